-- Shared by the scripts that post new subjects: each wrk thread gets a label of its own
-- (KONFID_RUN, then the thread's number), and unique_id() numbers that thread's requests, so
-- every email in a run is new. Loaded with dofile() from the repository's root.
local run = os.getenv("KONFID_RUN") or tostring(os.time())
local threads = 0
local counter = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", run .. "t" .. threads)
end

function unique_id()
  counter = counter + 1
  return tid .. "x" .. counter
end
