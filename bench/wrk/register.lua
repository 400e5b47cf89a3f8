-- POST /v1/registrations with a unique email per request: the subject, two refused consent
-- events with signed receipts, a confirmation token and an outbox message, all in one
-- transaction. KONFID_KEY: the API key; KONFID_RUN: a label that keeps runs apart.
dofile("bench/wrk/unique.lua")
local key = os.getenv("KONFID_KEY")

function request()
  local body = '{"fields":{"surname":"Бенчмарков","name":"Тест","email":"r' .. unique_id() ..
               '@bench.example"},"consents":{"newsletter":true,"reviews":false,' ..
               '"statistics":false},"context":{"form":"bench","ip":"198.51.100.7"}}'
  return wrk.format("POST", "/v1/registrations",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
