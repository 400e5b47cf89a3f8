-- POST /v1/subjects with a unique email and phone per request.
-- KONFID_KEY: the API key; KONFID_RUN: a label that keeps runs apart. Each wrk thread
-- numbers its own requests.
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
  local body = '{"fields":{"surname":"Бенчмарков","name":"Тест","email":"c' .. n ..
               '@bench.example","birth_date":"1990-01-01"}}'
  return wrk.format("POST", "/v1/subjects",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
