#!/usr/bin/env bash
# `make run`: first start initializes ./var (master key, SQLite database, an admin API key
# for tenant demo), then serves the example policy. Later starts reuse all of it.
set -euo pipefail
bin=$1 data=$2 listen=$3
key_file="$data/demo-admin.apikey"
mkdir -p "$data"

# The visitors' mail (confirmation links, one-time codes) goes to a catcher on loopback that
# writes it to $mailbox: the demo's stand-in for their inboxes. The served config is the
# example's with [mail] pointing there.
mailbox="$data/demo-mailbox.txt"
smtp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
config="$data/run.toml"
{
  sed "s|^policy = \"policy.toml\"|policy = \"$(pwd)/examples/policy.toml\"|" examples/konfid.toml
  printf '\n[mail]\nsmtp_url = "smtp://127.0.0.1:%s"\nfrom = "noreply@demo.example"\n' "$smtp_port"
  printf 'public_url = "http://%s/confirm"\nunsubscribe_base = "http://%s"\n' "$listen" "$listen"
} > "$config"
/usr/bin/python3 tools/mail-catcher.py 127.0.0.1 "$smtp_port" "$mailbox" &
catcher=$!
trap 'kill $catcher 2>/dev/null || true' EXIT

# init is idempotent: on an existing ./var it only applies new migrations.
if [ ! -f "$data/konfid.db" ]; then
  "$bin" init --data "$data" --config "$config"
else
  "$bin" init --data "$data" --config "$config" >/dev/null
fi
if [ ! -f "$key_file" ]; then
  # The key is kept in a 0600 file so that later `make run`s can show it again; the database
  # holds only its hash. Delete the file once you have copied the key somewhere safe.
  (umask 077; "$bin" apikey create --data "$data" --tenant demo --role admin | tail -n 1 > "$key_file")
fi
key=$(cat "$key_file")

cat <<EOT

Konfid is starting on http://$listen with the example policy (tenant "demo").
  Data:        $data/konfid.db (SQLite), master key $data/master.key
  Admin key:   $key
               (also in $key_file)
  Policy:      http://$listen/v1/policy  (generated from examples/policy.toml;
               ?lang=en, ?format=md, ?document=consent/newsletter)
  Mail:        what Konfid sends visitors lands in $mailbox
               (a local catcher; README, "A visitor's request, with curl")
Next steps, in another terminal:
  export KEY=$key
  curl -s -X POST http://$listen/v1/subjects -H "Authorization: Bearer \$KEY" \\
       -H 'Content-Type: application/json' \\
       -d '{"fields":{"surname":"Иванов","name":"Иван","email":"ivan@example.com","phone":"8 912 345-67-89"}}'
  curl -s "http://$listen/v1/subjects?phone=%2B79123456789&purpose=registration" -H "Authorization: Bearer \$KEY"
  build/konfid policy check examples/policy.toml   # then edit, diff and publish (README)
  The README has the whole walkthrough; docs/openapi.yaml describes every route.
Stop with Ctrl-C (the server drains and exits).

EOT
# Not exec: the catcher is stopped when the server exits (Ctrl-C stops both).
"$bin" serve --data "$data" --config "$config" --listen "$listen"
