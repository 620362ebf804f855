-- The sequential update split into layers, for bench/profile.py (run under
-- callgrind, from the repository root with the bench's LUA_PATH/LUA_CPATH):
--
--   lua5.4 bench/profile_layers.lua LAYER BASE_URL N
--
-- LAYER
--   update       client.contacts.update(acc, id, fields): the whole stack
--   update_nogc  the same with the garbage collector stopped (the difference is the GC's share)
--   luaprof      the same under a count hook: prints which Lua functions execute the
--                Lua layer's VM instructions (every instruction counted)
--   session      core.session():request{...} with the body already JSON text and
--                the answer decoded: the C core and libcurl, no Lua layer
--   session_raw  the same with raw_response = true: no JSON decoding
--   batch16      client.batch over an iterator of N updates, concurrency 16
--   encode       core.encode(fields) only, no I/O
--   decode       core.decode(<the seed's answer>) only, no I/O
-- Every layer first does one untimed call, so N = 1 measures start-up alone.
local layer, base_url, n = arg[1], arg[2], tonumber(arg[3])
assert(layer and base_url and n, "usage: profile_layers.lua LAYER BASE_URL N")

local core = require "sakari.core"
local ACCOUNT, CONTACT = "bench-account", "c1"
local fields = { firstName = "Bob", lastName = "Thomson", mobile = { number = "+1234567890", country = "US" } }
local body = core.encode(fields)

local step
if layer == "update" or layer == "update_nogc" or layer == "luaprof" then
  local client = require("sakari").new { base_url = base_url, access_token = "bench" }
  step = function()
    local contact = client.contacts.update(ACCOUNT, CONTACT, fields)
    assert(contact and contact.firstName == "Chris")
  end
  if layer == "update_nogc" then
    step()
    collectgarbage("collect")
    collectgarbage("stop")
  elseif layer == "luaprof" then
    step()
    local counts, total = {}, 0
    local getinfo = debug.getinfo
    debug.sethook(function()
      local info = getinfo(2, "Sl")
      if info then
        local where = info.short_src .. ":" .. (info.linedefined or 0)
        counts[where] = (counts[where] or 0) + 1
        total = total + 1
      end
    end, "", 1)
    for _ = 1, n do step() end
    debug.sethook()
    local rows = {}
    for where, c in pairs(counts) do rows[#rows + 1] = { where, c } end
    table.sort(rows, function(a, b) return a[2] > b[2] end)
    for i = 1, math.min(#rows, 20) do
      io.write(("%s\t%.0f\t%.1f\n"):format(rows[i][1], rows[i][2] / n, 100 * rows[i][2] / total))
    end
    os.exit(0)
  end
elseif layer == "batch16" then
  local client = require("sakari").new { base_url = base_url, access_token = "bench" }
  local issued, done = 0, 0
  client.batch(function()
    if issued < n then
      issued = issued + 1
      return { "contacts.update", ACCOUNT, CONTACT, fields }
    end
  end, {
    concurrency = 16,
    on_result = function(_, value) done = done + (value and value.firstName == "Chris" and 1 or 0) end,
  })
  assert(done == n, "batch: not every update succeeded")
  os.exit(0)
elseif layer == "session" or layer == "session_raw" then
  local session = core.session { user_agent = "lua-sakari-bench" }
  local url = base_url .. "/v1/accounts/" .. ACCOUNT .. "/contacts/" .. CONTACT
  local raw = layer == "session_raw" or nil
  step = function()
    local r = session:request {
      method = "PUT", url = url, raw_body = body, content_type = "application/json", raw_response = raw,
      headers = { Accept = "application/json", Authorization = "Bearer bench" }, timeout = 30, connect_timeout = 10,
    }
    assert(r.status == 200)
  end
elseif layer == "encode" then
  step = function() core.encode(fields) end
elseif layer == "decode" then
  local session = core.session()
  local url = base_url .. "/v1/accounts/" .. ACCOUNT .. "/contacts/" .. CONTACT
  local text = session:request({ method = "PUT", url = url, raw_body = body,
    content_type = "application/json", raw_response = true, timeout = 30, connect_timeout = 10 }).body
  session:close()
  step = function() core.decode(text) end
else
  error("unknown layer " .. tostring(layer))
end

for _ = 1, n do step() end
