--- Every setting of a client, once: its name, environment variable, default,
-- check (with its limits) and one line of doc. `sakari.new` and
-- `sakari.configure` resolve a config against it (`resolve`), the per-call
-- options take the rows marked `per_call`, and the CLI and the docs list it
-- with `settings.list()`. A setting left out falls back to its environment
-- variable (an empty one counts as unset), then to its default.
-- @module sakari.settings
local util = require "sakari.util"

local M = {}

-- A day: longer than any call or wait should take.
local MAX_SECONDS = 86400

local finite = util.finite

-- A kind: check(value) -> ok, `expected` for the message, how an
-- environment variable's text becomes a value (as is, when absent), and
-- `type`: the Lua type of a value that can be given as text (a command-line
-- flag), nil for the kinds only Lua code can give; `argname` names it in help.
local TEXT = { check = util.non_empty_string, expected = "a non-empty string", type = "string" }
-- sent in a header: CR, LF or NUL would let a value smuggle in headers of its own
local HEADER = {
  check = function(v) return util.non_empty_string(v) and not v:find("[\r\n%z]") end,
  expected = "a non-empty string without CR, LF or NUL",
  type = "string",
}
local URL = {
  check = function(v) return type(v) == "string" and v:lower():find("^https?://[^/]") ~= nil end,
  expected = "an http:// or https:// URL",
  type = "string", argname = "URL",
}
local BOOLEAN = { check = function(v) return type(v) == "boolean" end, expected = "a boolean", type = "boolean" }
local FUNCTION = { check = function(v) return type(v) == "function" end, expected = "a function" }
local TRANSPORT = {
  -- required on use: this module loads without the core (see util.describe)
  check = function(v) return require("sakari.transport").check(v) end,
  expected = "a table with a request function (sakari.transport)",
}
local SWITCHES = { ["1"] = true, ["true"] = true, yes = true, on = true,
                   ["0"] = false, ["false"] = false, no = false, off = false }
local DEBUG = {
  check = function(v) return type(v) == "boolean" or type(v) == "function" end,
  expected = "true, false or a function(line)",
  from_env = function(text) return SWITCHES[text:lower()] end,
  type = "boolean", -- a function only from Lua code
}

local function seconds(min_exclusive)
  return {
    check = function(v) return finite(v) and v <= MAX_SECONDS and (v > 0 or (not min_exclusive and v == 0)) end,
    expected = ("a number of seconds %s 0, at most %d"):format(min_exclusive and ">" or ">=", MAX_SECONDS),
    type = "number", argname = "SECONDS",
  }
end

local function whole(min, max)
  return {
    check = function(v) return finite(v) and v == math.floor(v) and v >= min and v <= max end,
    expected = ("a whole number from %d to %d"):format(min, max),
    type = "number", argname = "N",
  }
end

--- The settings, in the order the docs list them.
-- @table rows
M.rows = {
  { name = "base_url", env = "SAKARI_API_URL", default = "https://api.sakari.io", kind = URL,
    doc = "where the API is" },
  { name = "access_token", env = "SAKARI_ACCESS_TOKEN", secret = true, kind = HEADER,
    doc = "a static bearer token" },
  { name = "client_id", env = "SAKARI_CLIENT_ID", secret = true, kind = TEXT,
    doc = "OAuth2 client credentials (with client_secret): a token is fetched and cached until it nearly expires" },
  { name = "client_secret", env = "SAKARI_CLIENT_SECRET", secret = true, kind = TEXT,
    doc = "the secret that goes with client_id" },
  { name = "account_id", env = "SAKARI_ACCOUNT_ID", kind = TEXT,
    doc = "the account of a call that leaves its account argument out" },
  { name = "timeout", default = 30, kind = seconds(true), per_call = true,
    doc = "seconds for a whole request" },
  { name = "connect_timeout", default = 10, kind = seconds(true), per_call = true,
    doc = "seconds to connect" },
  { name = "max_retries", default = 2, kind = whole(0, 99), per_call = true,
    doc = "repeats of a failed call where repeating is safe" },
  { name = "retry_backoff", default = 0.5, kind = seconds(false), per_call = true,
    doc = "first backoff step in seconds (doubled each retry, with jitter)" },
  { name = "max_retry_delay", default = 30, kind = seconds(false), per_call = true,
    doc = "cap in seconds on one wait (backoff or Retry-After)" },
  { name = "strict", default = true, kind = BOOLEAN, per_call = true,
    doc = "check request bodies against the API's schemas before sending; false sends them as given" },
  { name = "concurrency", default = 8, kind = whole(1, 1000),
    doc = "calls in flight at once in batch and queue" },
  { name = "ca_file", kind = TEXT, doc = "PEM bundle to verify the server with" },
  { name = "proxy", kind = TEXT, doc = "proxy URL, such as http://proxy:3128" },
  { name = "insecure", default = false, kind = BOOLEAN, doc = "true turns TLS verification off" },
  { name = "user_agent_suffix", kind = HEADER, doc = "appended to the User-Agent header" },
  { name = "debug", env = "SAKARI_DEBUG", kind = DEBUG,
    doc = "one line per attempt to stderr (or to the function): method, path, status, attempt, ms, bytes" },
  { name = "on_request", kind = FUNCTION, doc = "function(event) before each attempt: method, path, attempt" },
  { name = "on_response", kind = FUNCTION,
    doc = "function(event) after each attempt: method, path, status, attempt, elapsed, code" },
  { name = "transport", kind = TRANSPORT, doc = "I/O of the host's own (sakari.transport); default libcurl" },
}

-- Every row by name, and the names of the per-call settings, sorted.
M.by_name, M.PER_CALL = {}, {}
for _, row in ipairs(M.rows) do
  M.by_name[row.name] = row
  if row.per_call then M.PER_CALL[#M.PER_CALL + 1] = row.name end
end
table.sort(M.PER_CALL)

-- "expected X, got Y", Y as a message shows a value: never a secret, numbers as they are.
local function mismatch(row, value)
  local got
  if row.secret then got = "a " .. type(value)
  elseif finite(value) or type(value) == "boolean" then got = tostring(value)
  elseif util.non_empty_string(value) then got = ("%q"):format(util.snippet(value, 60))
  else got = util.describe(value) end -- not sooner: describe loads the core
  return ("expected %s, got %s"):format(row.kind.expected, got)
end

--- Checks one value of a setting.
-- @tparam string name the setting
-- @param value its value
-- @treturn[1] nil when the value is acceptable
-- @treturn[2] string "expected X, got Y", naming the environment variable if there is one
function M.check(name, value)
  local row = M.by_name[name]
  if row.kind.check(value) then return nil end
  return mismatch(row, value) .. (row.env and " (env " .. row.env .. ")" or "")
end

--- The value of a setting's environment variable, or nil when unset (or empty).
-- @tparam string name the setting
-- @tparam function getenv os.getenv or a stand-in
-- @return the value, or nil
-- @treturn[opt] string "expected X, got Y" when the variable's text is not a valid value
function M.from_env(name, getenv)
  local row = M.by_name[name]
  local text = row.env and getenv(row.env)
  if text == nil or text == "" then return nil end
  local value = text
  if row.kind.from_env then value = row.kind.from_env(text) end
  if value ~= nil and row.kind.check(value) then return value end
  return nil, mismatch(row, text)
end

--- Every setting, for the CLI's flags and the generated docs.
-- @treturn table an array of `{ name, env, default, expected, doc, per_call, secret, type, argname }`
-- in doc order; `type` is "string", "number" or "boolean" for a setting a command line can carry
function M.list()
  local out = {}
  for i, row in ipairs(M.rows) do
    out[i] = { name = row.name, env = row.env, default = row.default, expected = row.kind.expected,
               doc = row.doc, per_call = row.per_call or false, secret = row.secret or false,
               type = row.kind.type, argname = row.kind.argname }
  end
  return out
end

-- Specs replace it to run against an environment of their own.
M.getenv = os.getenv

local function env(name) return M.by_name[name].env end

-- Where credentials come from, for the messages that say how to give them.
M.CREDENTIAL_ENV = ("%s, or %s and %s"):format(env "access_token", env "client_id", env "client_secret")
M.NO_CREDENTIALS = "sakari: no credentials: give access_token, or client_id and client_secret, "
  .. "in the config, or set " .. M.CREDENTIAL_ENV

-- Credentials: an access_token given in `config` wins; else client_id/client_secret
-- given in `config` (each may come from its environment variable); else, from the
-- environment, the access token, then the client id + secret.
-- Returns { token } | { client_id, client_secret } | false (none), or nil, problem.
local function credentials(config, resolved)
  if config.access_token then return { token = config.access_token } end
  local id, secret = resolved.client_id, resolved.client_secret
  local in_config = config.client_id or config.client_secret
  if resolved.access_token and not in_config then return { token = resolved.access_token } end
  if id and secret then return { client_id = id, client_secret = secret } end
  if not (id or secret) then return false end
  local have, lack = id and "client_id" or "client_secret", id and "client_secret" or "client_id"
  if in_config then
    return nil, { argument = true, setting = lack, env = env(lack),
      detail = ("config.%s: needed with %s (or set %s)"):format(lack, have, env(lack)) }
  end
  return nil, { env = env(lack), detail = ("%s is set but %s is not"):format(env(have), env(lack)) }
end

-- sakari.new(config) / sakari.configure(config): config (a table or nil) ->
-- the resolved settings and the credentials to use, without I/O; or nil,
-- problem = { detail, argument = true when config itself is wrong, setting, env },
-- which the public function the user called raises at the user's line.
function M.resolve(config)
  if config == nil then config = {} end
  if type(config) ~= "table" then
    return nil, { argument = true, detail = "config: expected a table, got " .. util.describe(config) }
  end
  for key, value in pairs(config) do
    if not M.by_name[key] then
      return nil, { argument = true, detail = ("unknown config key '%s' (accepted: %s)%s")
        :format(tostring(key), util.listed(M.by_name), util.suggest(key, M.by_name)) }
    end
    local detail = M.check(key, value)
    if detail then
      return nil, { argument = true, setting = key, env = env(key),
                    detail = ("config.%s: %s"):format(key, detail) }
    end
  end
  local resolved = {}
  for _, row in ipairs(M.rows) do
    local value = config[row.name]
    if value == nil then
      local why
      value, why = M.from_env(row.name, M.getenv)
      if why then
        return nil, { setting = row.name, env = row.env,
                      detail = ("environment variable %s (setting %s): %s"):format(row.env, row.name, why) }
      end
    end
    if value == nil then value = row.default end
    resolved[row.name] = value
  end
  resolved.base_url = resolved.base_url:gsub("/+$", "")
  local chosen, problem = credentials(config, resolved)
  if chosen == nil then return nil, problem end
  return resolved, chosen or nil
end

return M
