-- Running the `sakari` command in specs as a user runs it (`lua bin/sakari ...`
-- in a child process, a clean environment) against the sandbox, and the files
-- around it.
local sandbox = require "spec.support.sandbox"
local core = require "sakari.core"
local csv = require "sakari.csv"
local fs = require "spec.support.fs"
local assert = require "luassert"

local read, write = fs.read, fs.write

local C = {}

C.ACC = sandbox.ACCOUNT
C.CONTACTS = "/v1/accounts/sandbox-account/contacts/"

local interpreter = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))
local build = os.getenv("SAKARI_BUILD_DIR") or ("build/" .. interpreter)


local function quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

-- The failures file a run of `input` writes by default: bulk.csv -> bulk.failed.csv.
function C.failed_name(input)
  return require("sakari.cli.files").failures_name(input)
end

local scratch = {}

-- A fresh temporary path (with `suffix`), removed by C.cleanup with what runs wrote next to it.
function C.tmp(suffix)
  local path = os.tmpname()
  os.remove(path)
  path = path .. (suffix or "")
  scratch[#scratch + 1] = path
  return path
end

-- The shell command that runs bin/sakari with a clean environment: the
-- sandbox's URL and token, no progress display, plus `env` (false unsets);
-- `pre` is Lua run before the script (`lua -e pre bin/sakari`).
local function command(argv, env, pre)
  local vars = {
    SAKARI_API_URL = sandbox.url(), SAKARI_ACCESS_TOKEN = sandbox.TOKEN, SAKARI_PROGRESS = "off",
    LUA_PATH = "lua/?.lua;lua/?/init.lua;;", LUA_CPATH = build .. "/?.so;;",
  }
  for k, v in pairs(env or {}) do vars[k] = v end
  local parts = { "env -u SAKARI_CLIENT_ID -u SAKARI_CLIENT_SECRET -u SAKARI_ACCESS_TOKEN -u SAKARI_API_URL"
    .. " -u SAKARI_PROGRESS -u SAKARI_PROGRESS_INTERVAL -u SAKARI_ACCOUNT_ID" }
  local names = {}
  for k in pairs(vars) do names[#names + 1] = k end
  table.sort(names)
  for _, k in ipairs(names) do
    if vars[k] then parts[#parts + 1] = k .. "=" .. quote(vars[k]) end
  end
  parts[#parts + 1] = interpreter .. (pre and (" -e " .. quote(pre)) or "") .. " bin/sakari"
  for _, a in ipairs(argv) do parts[#parts + 1] = quote(a) end
  return table.concat(parts, " ")
end

-- Runs the command to the end: status, stdout, stderr.
function C.sakari(argv, opts)
  opts = opts or {}
  local out, err, status = C.tmp(), C.tmp(), C.tmp()
  os.execute(("timeout 120 %s <%s >%s 2>%s; echo $? >%s"):format(
    command(argv, opts.env, opts.pre), opts.stdin or "/dev/null", out, err, status))
  return tonumber(read(status)), read(out), read(err)
end

-- Starts the command in the background: its pid, and a function that waits
-- for its exit status (nil after `seconds`).
function C.start(argv, opts)
  opts = opts or {}
  local out, err, pidfile, status = C.tmp(), C.tmp(), C.tmp(), C.tmp()
  os.execute(("(%s <%s >%s 2>%s & echo $! >%s; wait $!; echo $? >%s) >/dev/null 2>&1 &"):format(
    command(argv, opts.env, opts.pre), "/dev/null", out, err, pidfile, status))
  local pid
  for _ = 1, 200 do
    pid = tonumber(read(pidfile) or "")
    if pid then break end
    core.sleep(0.02)
  end
  assert(pid, "the command did not start")
  local function wait(seconds)
    local deadline = core.now() + (seconds or 30)
    while core.now() < deadline do
      local text = read(status)
      if text and text:find("\n") then return tonumber(text), read(out), read(err) end
      core.sleep(0.05)
    end
    os.execute("kill -9 " .. pid .. " 2>/dev/null")
    return nil, read(out), read(err)
  end
  return pid, wait
end

-- Ids the server made (24 hex digits) become <id1>, <id2>... in order of first
-- appearance, times of now become <time>, so that the rest can be compared exactly.
function C.normalise(text)
  local seen, n = {}, 0
  text = text:gsub("%x+", function(hex)
    if #hex ~= 24 then return nil end
    if not seen[hex] then
      n = n + 1
      seen[hex] = "<id" .. n .. ">"
    end
    return seen[hex]
  end)
  -- the seed contact's own times are fixed: they stay
  return (text:gsub("%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.?%d*Z", function(t)
    if t ~= "2023-11-07T05:31:56Z" then return "<time>" end
  end))
end

function C.golden(name, actual)
  local path = "spec/fixtures/cli/" .. name
  local expected = read(path)
  assert(expected, "no golden file " .. path .. "; the output was:\n" .. actual)
  assert.are.equal(expected, actual)
end

function C.requests_by(method)
  local found = {}
  for _, r in ipairs(sandbox.requests()) do
    if r.method == method then found[#found + 1] = sandbox.path(r) end
  end
  return found
end

function C.csv_file(rows)
  local path = C.tmp(".csv")
  write(path, assert(csv.encode(rows)))
  return path
end

function C.records(path)
  local text = assert(read(path), "no file " .. path)
  return csv.records(text)
end

-- The lines of a JSON-lines file (a journal), decoded.
function C.jsonl(path)
  local lines = {}
  for line in assert(read(path), "no file " .. path):gmatch("[^\n]+") do lines[#lines + 1] = core.decode(line) end
  return lines
end

-- The sandbox's stored JSON of these contacts, by id, with `updated` (the
-- server's stamp of the last write) cut out: what a restore must give back
-- byte for byte.
function C.stored(ids)
  local all = sandbox.stored_contacts()
  local out = {}
  for _, id in ipairs(ids) do
    local text = assert(all[id], "no contact " .. id)
    local cut, n = text:gsub(',"updated":{"at":"[^"]*","by":{[^{}]*}}', "")
    assert(n == 1, "no updated stamp in " .. text)
    out[id] = cut
  end
  return out
end

-- At a spec file's top: a fresh sandbox before each test, and after it the
-- files of its runs removed.
function C.each_run()
  local busted = require "busted"
  busted.before_each(sandbox.reset)
  busted.after_each(C.cleanup)
end

-- The same, with a client for each test (see sandbox.each_client).
function C.each_client()
  require("busted").after_each(C.cleanup)
  return sandbox.each_client()
end

-- Registers a path for C.cleanup; anything else (a summary's null journal: a
-- run that wrote nothing has none) is no file.
function C.keep(path)
  if type(path) == "string" then scratch[#scratch + 1] = path end
end

-- Removes every path C.tmp made and what runs wrote next to them (failures
-- files, journals: tmpnames are unique, so stem.* is theirs alone).
function C.cleanup()
  for _, path in ipairs(scratch) do
    os.remove(path)
    local stem = path:match("^(/tmp/lua_%w+)")
    if stem then os.execute("rm -f " .. stem .. ".*") end
  end
  scratch = {}
end

return C
