-- :checkhealth sakari: whether lua-sakari can work in this Neovim. The core
-- loads and was built for this Neovim's Lua; libcurl and its TLS library; which
-- environment variables, or the config of a sakari.nvim client a plugin made,
-- supply the credentials (never their values); whether the API answers one
-- cheap request.
-- luacheck: globals vim
local settings = require "sakari.settings" -- loads without the core, as this module must

local M = {}

local function env(name) return settings.by_name[name].env end

-- The credentials sakari.new reads from the environment when its config has none.
M.CREDENTIALS = {
  { env "access_token", kind = "a static token" },
  { env "client_id", env "client_secret", kind = "OAuth2 client credentials" },
}
M.PROBE_TIMEOUT = 5 -- seconds: checkhealth waits for the answer

local REBUILD = 'run `make nvim` in the plugin\'s directory (lazy.nvim: build = "make nvim", packer: run = "make nvim")'

-- Neovim 0.9+ has vim.health.start/ok/...; 0.7 and 0.8 report_start/report_ok/...
local function reporter()
  local h = vim.health
  if h and h.start then return h end
  h = h or require "health"
  return { start = h.report_start, ok = h.report_ok, info = h.report_info, warn = h.report_warn,
           error = h.report_error }
end

local function getenv(name) -- an empty variable counts as unset, as for sakari.new
  local v = os.getenv(name)
  return v ~= "" and v or nil
end

-- The Lua version a core was built for, from the Lua C API functions it needs:
-- each of these exists only from that version on (5.1 and LuaJIT have none).
function M.built_for(path)
  local file = io.open(path, "rb")
  if not file then return nil end
  local bytes = file:read("*a")
  file:close()
  for _, mark in ipairs { { "lua_newuserdatauv", "5.4" }, { "lua_rotate", "5.3" }, { "lua_callk", "5.2" } } do
    if bytes:find(mark[1] .. "\0", 1, true) then return mark[2] end
  end
  return "5.1"
end

-- The file `require "sakari.core"` loads: 'runtimepath' first, as Neovim's own
-- loader searches it before package.cpath.
local function core_path()
  local found = vim.api.nvim_get_runtime_file("lua/sakari/core.so", false)[1]
  return found or package.searchpath("sakari.core", package.cpath)
end

local function check_core(report)
  report.start("sakari: the core (sakari.core)")
  local path = core_path()
  local loaded, core = pcall(require, "sakari.core")
  if loaded then
    local abi = path and M.built_for(path)
    report.ok(("sakari.core %s loads%s, built for Lua %s; this Neovim runs %s"):format(
      tostring(core.VERSION), path and (" from " .. path) or "", abi or "?", jit and jit.version or _VERSION))
    return core
  end
  if not path then
    report.error("sakari.core not found: no lua/sakari/core.so on 'runtimepath', none on package.cpath",
      { REBUILD })
    return nil
  end
  local abi = M.built_for(path)
  local want = jit and "5.1" or _VERSION:match("%d+%.%d+")
  if abi and abi ~= want then
    report.error(("%s was built for Lua %s, this Neovim runs %s: rebuild with make nvim"):format(
      path, abi, jit and "LuaJIT (5.1 ABI)" or _VERSION), { REBUILD, "the loader said: " .. tostring(core) })
  else
    report.error(("sakari.core failed to load from %s: %s"):format(path, tostring(core)),
      { REBUILD, "the core needs libcurl (Debian: libcurl4) at run time" })
  end
end

local function check_curl(report, core)
  report.start("sakari: libcurl")
  if not core.curl_ssl_version then
    return report.error(core.curl_version .. " without TLS: https:// URLs, the real API's, cannot work",
      { "install a libcurl built with TLS (Debian: libcurl4 with OpenSSL)" })
  end
  report.ok(("%s, TLS by %s"):format(core.curl_version, core.curl_ssl_version))
end

-- The open sakari.nvim client made last whose config brings credentials, and
-- what nvim.lua noted of it (the names of those keys), if a plugin made one.
local function configured_client()
  local nvim = package.loaded["sakari.nvim"]
  local client, info
  for s, noted in pairs(nvim and nvim.clients or {}) do
    if #noted.credentials > 0 and (not info or noted.number > info.number) then client, info = s, noted end
  end
  return client, info
end

-- The set of variables supplying credentials, or nil.
local function check_credentials(report, client_info)
  report.start("sakari: credentials (values never shown)")
  if client_info then
    report.ok(("a sakari.nvim client made in this session has %s in its config"):format(
      table.concat(client_info.credentials, " and ")))
  end
  for _, set in ipairs(M.CREDENTIALS) do
    local present, missing = {}, {}
    for _, name in ipairs(set) do
      local list = getenv(name) and present or missing
      list[#list + 1] = name
    end
    if #missing == 0 then
      report.ok(("%s set: %s"):format(table.concat(set, " and "), set.kind))
      return set
    elseif #present > 0 then
      report.error(("%s is set but %s is not"):format(table.concat(present, ", "), table.concat(missing, ", ")))
      return nil
    end
  end
  if client_info then
    report.info("no credentials in the environment: clients made without any in their config cannot call")
  else
    report.warn("no credentials in the environment, nor in the config of a sakari.nvim client", {
      "set " .. settings.CREDENTIAL_ENV,
      "or pass access_token (or client_id and client_secret) to require(\"sakari.nvim\").new{...}",
    })
  end
end

local function elapsed_ms(core, since) return math.floor((core.now() - since) * 1000 + 0.5) end

local PROBE = { limit = 1, timeout = M.PROBE_TIMEOUT, connect_timeout = M.PROBE_TIMEOUT, max_retries = 0 }

local function report_probe(report, core, since, accounts, err)
  if accounts then
    return report.ok(("GET /v1/accounts: HTTP 200 in %d ms, the credentials are accepted (%d account%s)")
      :format(elapsed_ms(core, since), #accounts, #accounts == 1 and "" or "s"))
  end
  report.error(("GET /v1/accounts failed after %d ms: %s"):format(elapsed_ms(core, since), tostring(err)),
    { err.status == 401 and "the server refused the credentials" or "see :help sakari-health" })
end

-- One GET of the account list (limit 1): with credentials through a client,
-- which proves they are accepted (the client a plugin made, else one from the
-- environment); without them a bare request, which proves the server answers.
local function check_api(report, core, env_credentials, client)
  local since = core.now()
  if client then
    report.start("sakari: the API, through that sakari.nvim client")
    local done
    client.accounts.list(PROBE, function(accounts, err) done = { accounts = accounts, err = err } end)
    if not vim.wait(M.PROBE_TIMEOUT * 1000 + 500, function() return done ~= nil end, 10) then
      return report.error(("GET /v1/accounts: no answer within %d s"):format(M.PROBE_TIMEOUT))
    end
    return report_probe(report, core, since, done.accounts, done.err)
  end
  local base_url = (getenv(env "base_url") or settings.by_name.base_url.default):gsub("/+$", "")
  report.start("sakari: the API at " .. base_url)
  if env_credentials then
    local made, probe = pcall(require("sakari").new)
    if not made then return report.error("the client cannot be made: " .. tostring(probe)) end
    local accounts, err = probe.accounts.list(PROBE)
    probe.close()
    return report_probe(report, core, since, accounts, err)
  end
  local session = core.session()
  local url = base_url .. "/v1/accounts?limit=1"
  local ok, r = pcall(session.request, session,
    { method = "GET", url = url, timeout = M.PROBE_TIMEOUT, connect_timeout = M.PROBE_TIMEOUT })
  session:close()
  if ok and r.status then
    return report.ok(("GET /v1/accounts without credentials: HTTP %d in %d ms: the server answers"):format(
      r.status, elapsed_ms(core, since)))
  end
  local why = ok and (r.reason or r.kind) or r
  report.error(("GET %s/v1/accounts: no answer after %d ms: %s"):format(base_url, elapsed_ms(core, since),
    tostring(why)), { "check " .. env "base_url" .. ", the network and any proxy" })
end

function M.check()
  local report = reporter()
  local core = check_core(report)
  if core then check_curl(report, core) end
  local client, client_info = configured_client()
  local env_credentials = check_credentials(report, client_info)
  if core then check_api(report, core, env_credentials, client) end
end

return M
