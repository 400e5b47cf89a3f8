-- POST /v1/registrations with a unique email per request: the subject, two refused consent
-- events with signed receipts, a confirmation token and an outbox message, all in one
-- transaction. KONFID_KEY: the API key; KONFID_RUN: a label that keeps runs apart.
local key = os.getenv("KONFID_KEY")
local run = os.getenv("KONFID_RUN") or tostring(os.time())
local counter = 0
local prefix = ""
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", run .. "t" .. threads)
end

function init(args)
  prefix = tid
end

function request()
  counter = counter + 1
  local n = prefix .. "x" .. counter
  local body = '{"fields":{"surname":"Бенчмарков","name":"Тест","email":"r' .. n ..
               '@bench.example"},"consents":{"newsletter":true,"reviews":false,' ..
               '"statistics":false},"context":{"form":"bench","ip":"198.51.100.7"}}'
  return wrk.format("POST", "/v1/registrations",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
