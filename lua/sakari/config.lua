-- sakari.new(config) / sakari.configure(config) -> the resolved settings and
-- the credentials to use. Checks every key against settings.lua; construction
-- never does I/O. Returns what is wrong instead of raising, so that the public
-- function the user called raises it at the user's line.
local settings = require "sakari.settings"
local util = require "sakari.util"

local M = {}

-- Specs replace it to run against an environment of their own.
M.getenv = os.getenv

local function env(name) return settings.by_name[name].env end

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

-- config (a table or nil) -> resolved, credentials; or nil, problem, where
-- problem = { detail, argument = true when config itself is wrong, setting, env }.
function M.resolve(config)
  if config == nil then config = {} end
  if type(config) ~= "table" then
    return nil, { argument = true, detail = "config: expected a table, got " .. util.describe(config) }
  end
  for key, value in pairs(config) do
    if not settings.by_name[key] then
      return nil, { argument = true, detail = ("unknown config key '%s' (accepted: %s)%s")
        :format(tostring(key), util.listed(settings.by_name), util.suggest(key, settings.by_name)) }
    end
    local detail = settings.check(key, value)
    if detail then
      return nil, { argument = true, setting = key, env = env(key),
                    detail = ("config.%s: %s"):format(key, detail) }
    end
  end
  local resolved = {}
  for _, row in ipairs(settings.rows) do
    local value = config[row.name]
    if value == nil then
      local why
      value, why = settings.from_env(row.name, M.getenv)
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
