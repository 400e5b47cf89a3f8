-- GET /v1/subjects?email=... for random subjects of the seeded set (bench/seed.cc writes
-- s<N>@bench.example for N in [0, KONFID_SUBJECTS)).
local key = os.getenv("KONFID_KEY")
local n = tonumber(os.getenv("KONFID_SUBJECTS") or "1000000")
local requests = {}
local count = 262144  -- more than one run sends, so no subject is looked up twice by design
local next_request = 0

-- The requests (random subjects) are built once per wrk thread: formatting one per call in Lua cost the load
-- generator about 4 µs of CPU per request, which this 2-core machine's server then lacks.
function init(args)
  math.randomseed(os.time() + math.random(1, 1e6))
  for j = 1, count do
    local i = math.random(0, n - 1)
    requests[j] = wrk.format("GET", "/v1/subjects?email=s" .. i .. "%40bench.example&purpose=registration",
      {["Authorization"] = "Bearer " .. key})
  end
end

function request()
  next_request = next_request % count + 1
  return requests[next_request]
end

-- No response() hook: with one, wrk hands every body to Lua, which costs the load generator
-- CPU too. wrk counts non-2xx answers by itself.
