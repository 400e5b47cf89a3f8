-- GET /v1/subjects/{id}/access-reply for random subjects of those given an access request by
-- `konfid-bench-seed --requests N --ids FILE`. KONFID_KEY: the API key; KONFID_IDS: that file;
-- KONFID_QUERY: appended to the path, e.g. "?format=html&lang=ru" (default: none, JSON).
local key = os.getenv("KONFID_KEY")
local query = os.getenv("KONFID_QUERY") or ""
local requests = {}
local count = 65536
local next_request = 0

-- As lookup.lua: the requests are built once per wrk thread, not one per call.
function init(args)
  local ids = {}
  for line in io.lines(os.getenv("KONFID_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + math.random(1, 1e6))
  for j = 1, count do
    local id = ids[math.random(1, #ids)]
    requests[j] = wrk.format("GET", "/v1/subjects/" .. id .. "/access-reply" .. query,
      {["Authorization"] = "Bearer " .. key})
  end
end

function request()
  next_request = next_request % count + 1
  return requests[next_request]
end
