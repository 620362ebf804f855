-- :checkhealth sakari: whether lua-sakari can work in this Neovim. The core
-- loads and was built for this Neovim's Lua; libcurl and its TLS library; which
-- environment variables, or the config of a sakari.nvim client a plugin made,
-- supply the credentials (never their values); whether the API answers one
-- cheap request.
-- luacheck: globals vim
local settings = require "sakari.settings" -- loads without the core, as this module must

local M = {}

local function env(name) return settings.by_name[name].env end

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

local function check_core(report)
  report.start("sakari: the core (sakari.core)")
  -- the file `require "sakari.core"` loads: 'runtimepath' first, as Neovim's
  -- own loader searches it before package.cpath
  local path = vim.api.nvim_get_runtime_file("lua/sakari/core.so", false)[1]
    or package.searchpath("sakari.core", package.cpath)
  local abi = path and M.built_for(path)
  local loaded, core = pcall(require, "sakari.core")
  if loaded then
    report.ok(("sakari.core %s loads%s, built for Lua %s; this Neovim runs %s"):format(
      tostring(core.VERSION), path and (" from " .. path) or "", abi or "?", jit and jit.version or _VERSION))
    return core
  end
  if not path then
    return report.error("sakari.core not found: no lua/sakari/core.so on 'runtimepath', none on package.cpath",
      { REBUILD })
  end
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

-- Credentials as sakari.new would find them: settings.resolve reads the
-- environment, checks every setting and picks the credentials. Returns its
-- results: resolved, chosen; or nil, problem.
local function check_credentials(report, client_info)
  report.start("sakari: settings and credentials (values never shown)")
  if client_info then
    report.ok(("a sakari.nvim client made in this session has %s in its config"):format(
      table.concat(client_info.credentials, " and ")))
  end
  local resolved, chosen = settings.resolve()
  if not resolved then
    report.error(chosen.detail)
    return nil
  end
  if chosen and chosen.token then
    report.ok(env "access_token" .. " set: a static token")
  elseif chosen then
    report.ok(("%s and %s set: OAuth2 client credentials"):format(env "client_id", env "client_secret"))
  elseif client_info then
    report.info("no credentials in the environment: clients made without any in their config cannot call")
  else
    report.warn("no credentials in the environment, nor in the config of a sakari.nvim client", {
      "set " .. settings.CREDENTIAL_ENV,
      "or pass access_token (or client_id and client_secret) to require(\"sakari.nvim\").new{...}",
    })
  end
  return resolved, chosen
end

local function elapsed_ms(core, since) return math.floor((core.now() - since) * 1000 + 0.5) end

local PROBE = { limit = 1, timeout = M.PROBE_TIMEOUT, connect_timeout = M.PROBE_TIMEOUT, max_retries = 0 }

-- One GET of the account list (limit 1) through a sakari.nvim client, which
-- proves the credentials are accepted.
local function probe(report, core, client)
  local since, done = core.now(), nil
  client.accounts.list(PROBE, function(accounts, err) done = { accounts = accounts, err = err } end)
  if not vim.wait(M.PROBE_TIMEOUT * 1000 + 500, function() return done ~= nil end, 10) then
    return report.error(("GET /v1/accounts: no answer within %d s"):format(M.PROBE_TIMEOUT))
  end
  local accounts, err = done.accounts, done.err
  if accounts then
    return report.ok(("GET /v1/accounts: HTTP 200 in %d ms, the credentials are accepted (%d account%s)")
      :format(elapsed_ms(core, since), #accounts, #accounts == 1 and "" or "s"))
  end
  report.error(("GET /v1/accounts failed after %d ms: %s"):format(elapsed_ms(core, since), tostring(err)),
    { err.status == 401 and "the server refused the credentials" or "see :help sakari-health" })
end

-- Without credentials a bare request, which proves the server answers.
local function ask_bare(report, core, base_url)
  local since = core.now()
  local session = core.session()
  local ok, r = pcall(session.request, session, { method = "GET", url = base_url .. "/v1/accounts?limit=1",
    timeout = M.PROBE_TIMEOUT, connect_timeout = M.PROBE_TIMEOUT })
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
  local resolved, chosen = check_credentials(report, client_info)
  if not core then return end
  -- through the client a plugin made, else one from the environment, else bare
  if client then
    report.start("sakari: the API, through that sakari.nvim client")
    return probe(report, core, client)
  end
  -- where settings.resolve refused a setting: still ask the server base_url names
  local base_url = resolved and resolved.base_url
    or (settings.from_env("base_url", os.getenv) or settings.by_name.base_url.default):gsub("/+$", "")
  report.start("sakari: the API at " .. base_url)
  if not chosen then return ask_bare(report, core, base_url) end
  local from_env = require("sakari.nvim").new() -- settings.resolve, which it runs too, accepted it all
  probe(report, core, from_env)
  from_env.close()
end

return M
