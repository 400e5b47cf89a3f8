-- POST /v1/events as a site's pages send them (text/plain, no key). KONFID_EVENTS=analytics
-- sends page views of the visitors bench/events.sh gave a cookie choice (KONFID_VISITORS of
-- them, "benchvisitor000001"...), so each is a choice lookup and an insert; otherwise
-- necessary events, an insert alone.
local analytics = os.getenv("KONFID_EVENTS") == "analytics"
local visitors = tonumber(os.getenv("KONFID_VISITORS") or "100")
local n = 0

function request()
  n = n + 1
  local body
  if analytics then
    body = string.format('{"tenant":"demo","kind":"page_view","visitor":"benchvisitor%06d",' ..
                         '"page":"https://demo.example/courses/%d?utm_source=bench",' ..
                         '"referrer":"https://yandex.ru/search/?text=x"}', n % visitors + 1, n % 50)
  else
    body = string.format('{"tenant":"demo","kind":"page_view","category":"necessary",' ..
                         '"page":"/courses/%d"}', n % 50)
  end
  return wrk.format("POST", "/v1/events", {["Content-Type"] = "text/plain",
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) bench"}, body)
end
