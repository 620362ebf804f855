-- A client: its configuration, its credentials and all of its I/O. Every request
-- of a client goes through `send` below; every answer goes through `interpret`.
local core = require "sakari.core"
local auth = require "sakari.auth"
local errors = require "sakari.errors"
local resources = require "sakari.resources"
local util = require "sakari.util"

local M = {}

M.DEFAULT_BASE_URL = "https://api.sakari.io"

local function non_empty_string(v) return type(v) == "string" and v ~= "" end
local function positive_number(v) return type(v) == "number" and v > 0 and v == v and v ~= math.huge end
local function boolean(v) return type(v) == "boolean" end

-- For the README: every key of sakari.new(config) / sakari.configure(config).
-- A key absent from `config` falls back to its environment variable (if any),
-- then to its default; an empty environment variable counts as unset.
--   base_url           SAKARI_API_URL        default https://api.sakari.io
--   access_token       SAKARI_ACCESS_TOKEN   a static bearer token
--   client_id          SAKARI_CLIENT_ID      OAuth2 client credentials: a token is
--   client_secret      SAKARI_CLIENT_SECRET  fetched, cached until shortly before it expires
--   timeout            -                     seconds for a whole request, default 30
--   connect_timeout    -                     seconds to connect, default 10
--   ca_file            -                     PEM bundle to verify the server with
--   proxy              -                     e.g. "http://proxy:3128"
--   insecure           -                     true turns TLS verification off, default false
--   user_agent_suffix  -                     appended to the User-Agent header
-- Credentials: an access_token given in `config` wins; else client_id/client_secret
-- given in `config` (each may come from its environment variable); else, from the
-- environment, SAKARI_ACCESS_TOKEN, then SAKARI_CLIENT_ID + SAKARI_CLIENT_SECRET.
-- Construction never does I/O; a call without any credentials raises an error.
local KEYS = {
  base_url          = { check = non_empty_string, expected = "a non-empty string", env = "SAKARI_API_URL" },
  access_token      = { check = non_empty_string, expected = "a non-empty string", env = "SAKARI_ACCESS_TOKEN" },
  client_id         = { check = non_empty_string, expected = "a non-empty string", env = "SAKARI_CLIENT_ID" },
  client_secret     = { check = non_empty_string, expected = "a non-empty string", env = "SAKARI_CLIENT_SECRET" },
  timeout           = { check = positive_number, expected = "a positive number of seconds" },
  connect_timeout   = { check = positive_number, expected = "a positive number of seconds" },
  ca_file           = { check = non_empty_string, expected = "a non-empty string" },
  proxy             = { check = non_empty_string, expected = "a non-empty string" },
  insecure          = { check = boolean, expected = "a boolean" },
  user_agent_suffix = { check = non_empty_string, expected = "a non-empty string" },
}

local DEFAULTS = { base_url = M.DEFAULT_BASE_URL, timeout = 30, connect_timeout = 10, insecure = false }

local NO_CREDENTIALS = "sakari: no credentials: give access_token, or client_id and client_secret, "
  .. "in the config, or set SAKARI_ACCESS_TOKEN, or SAKARI_CLIENT_ID and SAKARI_CLIENT_SECRET"

-- Kept out of the environment in specs that need a blank slate.
M.getenv = os.getenv

local function env(name)
  local v = name and M.getenv(name)
  if v == "" then return nil end
  return v
end

local function read_config(config, fname)
  if config == nil then config = {} end
  if type(config) ~= "table" then
    util.argerror(3, 1, fname, "config: expected a table, got " .. util.describe(config))
  end
  for key, value in pairs(config) do
    local spec = KEYS[key]
    if not spec then
      util.argerror(3, 1, fname, ("unknown config key '%s' (accepted: %s)")
        :format(tostring(key), table.concat(util.sorted_keys(KEYS), ", ")))
    end
    if not spec.check(value) then
      util.argerror(3, 1, fname, ("config.%s: expected %s, got %s")
        :format(key, spec.expected, util.describe(value)))
    end
  end
  local resolved = {}
  for key, spec in pairs(KEYS) do
    local value = config[key]
    if value == nil then value = env(spec.env) end
    if value == nil then value = DEFAULTS[key] end
    resolved[key] = value
  end
  resolved.base_url = resolved.base_url:gsub("/+$", "")
  return resolved
end

-- Which credentials to use, as a description the client turns into a provider.
local function choose_credentials(config, resolved, fname)
  if config.access_token then return { token = config.access_token } end
  local id, secret = resolved.client_id, resolved.client_secret
  if config.client_id or config.client_secret then
    if not (id and secret) then
      local missing = id and "client_secret" or "client_id"
      util.argerror(3, 1, fname, ("config.%s: needed with %s (or set %s)")
        :format(missing, id and "client_id" or "client_secret", KEYS[missing].env))
    end
    return { client_id = id, client_secret = secret }
  end
  if resolved.access_token then return { token = resolved.access_token } end
  if id and secret then return { client_id = id, client_secret = secret } end
  if id or secret then
    error(("%s: %s is set but %s is not"):format(fname,
      id and "SAKARI_CLIENT_ID" or "SAKARI_CLIENT_SECRET",
      id and "SAKARI_CLIENT_SECRET" or "SAKARI_CLIENT_ID"), 3)
  end
  return nil
end

function M.user_agent(suffix)
  local runtime = (jit and jit.version) or _VERSION
  local ua = ("lua-sakari/%s (%s; %s)"):format(core.VERSION, runtime, core.curl_version)
  if suffix then ua = ua .. " " .. suffix end
  return ua
end

-- The answer of one request as either a usable envelope (a table, or true for a
-- bodiless success) or nil, err.
local function interpret(method, path, status, body, decode_err)
  if status >= 200 and status < 300 then
    if status == 204 then return true end
    if decode_err then return nil, errors.decode(method, path, status, decode_err) end
    if body == nil then return nil, errors.decode(method, path, status) end
    if type(body) ~= "table" then
      return nil, errors.decode(method, path, status, nil, "response is JSON but not an object")
    end
    if body.success == false then return nil, errors.response(method, path, status, body) end
    return body
  end
  return nil, errors.response(method, path, status, body, decode_err)
end

function M.new(config, fname)
  fname = fname or "sakari.new"
  local resolved = read_config(config, fname)
  local credentials = choose_credentials(config or {}, resolved, fname)
  local options = {
    timeout = resolved.timeout,
    connect_timeout = resolved.connect_timeout,
    ca_file = resolved.ca_file,
    proxy = resolved.proxy,
    insecure = resolved.insecure,
    user_agent = M.user_agent(resolved.user_agent_suffix),
  }
  local base_url = resolved.base_url
  local session

  -- Secrets that must never survive into an error message, even if a server echoes them.
  local function redact(err, token)
    if errors.is_error(err) and type(err.message) == "string" then
      err.message = util.replace_plain(err.message, token, "[redacted]")
      if credentials then
        err.message = util.replace_plain(err.message, credentials.client_secret, "[redacted]")
        err.message = util.replace_plain(err.message, credentials.token, "[redacted]")
      end
    end
    return err
  end

  local function send(request, token)
    session = session or core.session(options)
    local headers = { Accept = "application/json" }
    if token then headers.Authorization = "Bearer " .. token end
    local ok, status, failure, body, decode_err = pcall(session.request, session, {
      method = request.method,
      url = base_url .. request.path,
      headers = headers,
      query = request.query,
      body = request.body,
    })
    if not ok then
      -- core refused the request before sending it (e.g. a body JSON cannot express):
      -- the caller's mistake, so blame the caller's call (send < call < endpoint < caller)
      local reason = tostring(status):gsub("^[^:]*%.lua:%d+: ", "")
      error(("%s: %s"):format(request.fname or "sakari", reason), 4)
    end
    if not status then
      return nil, redact(errors.transport(request.method, request.path, failure), token)
    end
    local envelope, err = interpret(request.method, request.path, status, body, decode_err)
    return envelope, redact(err, token), status
  end

  local provider
  if credentials and credentials.token then
    provider = auth.static(credentials.token)
  elseif credentials then
    provider = auth.oauth(credentials.client_id, credentials.client_secret, function(path, body)
      return send { method = "POST", path = path, body = body }
    end)
  end

  local function call(request)
    if not provider then error(NO_CREDENTIALS, 3) end
    local token, err = provider:get()
    if not token then return nil, err end
    local envelope, status
    envelope, err, status = send(request, token)
    if status == 401 and provider.refreshable then
      -- the token may have been revoked or expired early: one fresh token, one repeat
      provider:invalidate()
      token, err = provider:get()
      if not token then return nil, err end
      envelope, err = send(request, token)
    end
    return envelope, err
  end

  local client = resources.bind(call)

  function client.close()
    if session then
      session:close()
      session = nil
    end
  end

  return client
end

return M
