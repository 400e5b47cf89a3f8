-- GET /v1/subjects?email=... for random subjects of the seeded set (bench/seed.cc writes
-- s<N>@bench.example for N in [0, KONFID_SUBJECTS)).
local key = os.getenv("KONFID_KEY")
local n = tonumber(os.getenv("KONFID_SUBJECTS") or "1000000")

function init(args)
  math.randomseed(os.time() + math.random(1, 1e6))
end

function request()
  local i = math.random(0, n - 1)
  return wrk.format("GET", "/v1/subjects?email=s" .. i .. "%40bench.example",
    {["Authorization"] = "Bearer " .. key})
end

function response(status, headers, body)
  if status ~= 200 then
    wrk.thread:stop()
  end
end
