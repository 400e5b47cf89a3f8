-- GET KONFID_PATH (e.g. "/v1/requests?limit=50"), the same request every time. KONFID_KEY:
-- the API key.
local key = os.getenv("KONFID_KEY")
local req

function init(args)
  req = wrk.format("GET", os.getenv("KONFID_PATH"), {["Authorization"] = "Bearer " .. key})
end

function request()
  return req
end
