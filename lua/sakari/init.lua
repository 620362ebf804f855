-- `require "sakari"`: the Sakari SMS REST API as plain Lua tables.
--
--   local sakari = require "sakari"
--   local contact, err = sakari.contacts.update(account_id, contact_id, { firstName = "Bob" })
--   if not contact then error(tostring(err)) end
--
-- The module-level namespaces (sakari.contacts, ...) use a default client, built
-- from the environment on its first call; sakari.configure(config) replaces it.
-- sakari.new(config) makes an independent client with the same namespaces.
local core = require "sakari.core"
local client = require "sakari.client"
local errors = require "sakari.errors"
local resources = require "sakari.resources"

local M = {
  VERSION = core.VERSION,
  null = core.null,
  array = core.array,
  is_error = errors.is_error,
}

local default

local function default_client()
  -- built on first use so that loading the module needs no credentials
  default = default or client.new(nil, "sakari")
  return default
end

function M.new(config)
  return client.new(config, "sakari.new")
end

-- Validates at once; the previous default client's connections are closed.
function M.configure(config)
  local replacement = client.new(config, "sakari.configure")
  if default then default.close() end
  default = replacement
end

for namespace, rows in pairs(resources.endpoints) do
  local functions = {}
  for name, row in pairs(rows) do
    if row.kind == "local" then
      -- no request, so no client either: webhooks.parse works without credentials
      functions[name] = row.fn
    else
      functions[name] = function(...)
        -- a tail call, so argument errors blame the caller's line, not this one
        return default_client()[namespace][name](...)
      end
    end
  end
  M[namespace] = functions
end

return M
