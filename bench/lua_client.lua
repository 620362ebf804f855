-- One measurement from Lua 5.4, run by bench/bench.py from the repository root
-- (LUA_PATH="lua/?.lua;lua/?/init.lua;;", LUA_CPATH="build/lua5.4/?.so;;"):
--
--   lua5.4 bench/lua_client.lua MODE BASE_URL N [CONCURRENCY]
--
-- MODE
--   sakari      client.contacts.update(acc, id, fields) in a loop        (row 3)
--   batch       client.batch(calls, {concurrency = CONCURRENCY, ...})    (row 4)
--   memory      N updates, batched at CONCURRENCY when client.batch exists, else
--               sequential; VmRSS sampled after the first 1,000 and at the end
--   luasocket   socket.http + ltn12 source/sink + cjson, a new connection per request
--   popen       `curl` spawned per request through io.popen, its output decoded with cjson
--
-- Every mode sends the same PUT with the same fields and checks every answer (the
-- seed's contact: firstName "Chris", hubspot.id 123). Before the timed part it makes
-- CONCURRENCY (or 1) untimed requests, so connections are open. Prints one JSON line:
-- requests, wall seconds, CPU seconds of this process (os.clock; plus its waited-for
-- children for popen, whose work is the curl processes), peak RSS in kB (VmHWM), errors.
local mode, base_url, n, width = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4] or "1")
assert(mode and base_url and n and width, "usage: lua_client.lua MODE BASE_URL N [CONCURRENCY]")

local ACCOUNT, CONTACT = "bench-account", "c1"
local PATH = "/v1/accounts/" .. ACCOUNT .. "/contacts/" .. CONTACT
local fields = { firstName = "Bob", lastName = "Thomson", mobile = { number = "+1234567890", country = "US" } }

local function status_kb(key)
  local f = assert(io.open("/proc/self/status"))
  local text = f:read("a")
  f:close()
  return tonumber(text:match(key .. ":%s*(%d+)"))
end

-- CPU seconds of the waited-for children (utime + stime of /proc/self/stat, fields 16-17).
local CLK_TCK = 100
local function children_cpu()
  local f = assert(io.open("/proc/self/stat"))
  local stat = f:read("a")
  f:close()
  local rest = stat:match("%) (.*)$") -- fields from the 3rd on; the name may hold spaces
  local fields_ = {}
  for v in rest:gmatch("%S+") do fields_[#fields_ + 1] = v end
  return (tonumber(fields_[14]) + tonumber(fields_[15])) / CLK_TCK -- fields 16 and 17
end

local function is_contact(value)
  return type(value) == "table" and value.firstName == "Chris" and type(value.hubspot) == "table"
    and value.hubspot.id == 123
end

local function report(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = t[k]
    local s = type(v) == "string" and ("%q"):format(v) or (math.type(v) == "float" and ("%.6f"):format(v))
      or tostring(v)
    parts[#parts + 1] = ("%q: %s"):format(k, s)
  end
  io.write("{", table.concat(parts, ", "), "}\n")
end

-- Times run(count) -> errors, with `warm` untimed requests first.
local function measure(now, run, warm, with_children)
  local errors = run(warm)
  local c0, k0 = os.clock(), with_children and children_cpu() or 0
  local t0 = now()
  errors = errors + run(n)
  local wall = now() - t0
  local cpu = os.clock() - c0 + (with_children and children_cpu() - k0 or 0)
  report { requests = n, wall = wall, cpu = cpu, peak_rss_kb = status_kb("VmHWM"), errors = errors }
end

local function errlog(errors, err)
  if errors <= 3 then io.stderr:write("lua_client ", mode, ": ", tostring(err), "\n") end
end

local function sakari_client()
  local client = require("sakari").new { base_url = base_url, access_token = "bench" }
  return client, require("sakari.core").now
end

local function sequential(client)
  return function(count)
    local errors = 0
    for _ = 1, count do
      local contact, err = client.contacts.update(ACCOUNT, CONTACT, fields)
      if not is_contact(contact) then
        errors = errors + 1
        errlog(errors, err)
      end
    end
    return errors
  end
end

-- client.batch over an iterator of `count` call descriptions; `sample()` is
-- called after every result.
local function batched(client, sample)
  return function(count)
    local issued, done, errors = 0, 0, 0
    local function calls()
      if issued < count then
        issued = issued + 1
        return { "contacts.update", ACCOUNT, CONTACT, fields }
      end
    end
    client.batch(calls, {
      concurrency = width,
      on_result = function(_, value, err)
        done = done + 1
        if not is_contact(value) then
          errors = errors + 1
          errlog(errors, err)
        end
        if sample then sample() end
      end,
    })
    return errors + (count - done)
  end
end

if mode == "sakari" then
  local client, now = sakari_client()
  measure(now, sequential(client), 1)
elseif mode == "batch" then
  local client, now = sakari_client()
  measure(now, batched(client), width)
elseif mode == "memory" then
  local client, now = sakari_client()
  local rss_first, done = nil, 0
  local function sample()
    done = done + 1
    if done == 1000 then rss_first = status_kb("VmRSS") end
  end
  local run, how = batched(client, sample), ("batched x%d"):format(width)
  local t0 = now()
  local errors = run(n)
  report {
    requests = n, wall = now() - t0, errors = errors, how = how,
    rss_at_1000_kb = rss_first, rss_end_kb = status_kb("VmRSS"), peak_rss_kb = status_kb("VmHWM"),
  }
elseif mode == "luasocket" then
  local http, ltn12, cjson, socket = require "socket.http", require "ltn12", require "cjson", require "socket"
  local url = base_url .. PATH
  measure(socket.gettime, function(count)
    local errors = 0
    for _ = 1, count do
      local body = cjson.encode(fields)
      local chunks = {}
      local ok, code = http.request {
        url = url, method = "PUT",
        headers = {
          ["Content-Type"] = "application/json", ["Content-Length"] = tostring(#body),
          Accept = "application/json", Authorization = "Bearer bench",
        },
        source = ltn12.source.string(body), sink = ltn12.sink.table(chunks),
      }
      local decoded = ok and code == 200 and cjson.decode(table.concat(chunks))
      if not (decoded and decoded.success == true and is_contact(decoded.data)) then
        errors = errors + 1
        errlog(errors, code)
      end
    end
    return errors
  end, 1)
elseif mode == "popen" then
  local cjson, socket = require "cjson", require "socket"
  local url = base_url .. PATH
  measure(socket.gettime, function(count)
    local errors = 0
    for _ = 1, count do
      local body = cjson.encode(fields) -- no single quote in it: safe inside '...'
      local p = io.popen("curl -sS -X PUT -H 'Content-Type: application/json' -H 'Accept: application/json'"
        .. " -H 'Authorization: Bearer bench' -d '" .. body .. "' '" .. url .. "'", "r")
      local out = p:read("a")
      p:close()
      local ok, decoded = pcall(cjson.decode, out)
      if not (ok and type(decoded) == "table" and decoded.success == true and is_contact(decoded.data)) then
        errors = errors + 1
        errlog(errors, out)
      end
    end
    return errors
  end, 1, true)
else
  error("unknown mode " .. tostring(mode))
end
