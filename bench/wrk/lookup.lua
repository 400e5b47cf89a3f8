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

-- No response() hook: with one, wrk hands every body to Lua, which costs the load generator
-- CPU that this 2-core machine's server then lacks. wrk counts non-2xx answers by itself.
