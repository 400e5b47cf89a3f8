-- POST /v1/subjects with a unique email per request. KONFID_KEY: the API key; KONFID_RUN: a
-- label that keeps runs apart.
dofile("bench/wrk/unique.lua")
local key = os.getenv("KONFID_KEY")

function request()
  local body = '{"fields":{"surname":"Бенчмарков","name":"Тест","email":"c' .. unique_id() ..
               '@bench.example","birth_date":"1990-01-01"}}'
  return wrk.format("POST", "/v1/subjects",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
