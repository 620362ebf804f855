--- The Sakari SMS REST API as plain Lua tables.
-- `local contact, err = sakari.contacts.update(account_id, contact_id, { firstName = "Bob" })`
-- returns the updated contact, or nil and an error object.
--
-- The module-level namespaces (`sakari.contacts`, ...) use a default client, built
-- from the environment on its first call; `sakari.configure(config)` replaces it.
-- `sakari.new(config)` makes an independent client with the same namespaces. Every
-- endpoint function is listed in `sakari.api`.
-- @module sakari
local core = require "sakari.core"
local client = require "sakari.client"
local errors = require "sakari.errors"
local resources = require "sakari.resources"

local M = {
  --- The version of the module (a string such as "0.1.0").
  VERSION = core.VERSION,
  --- JSON `null`, as decoded answers hold it and as a body may send it.
  null = core.null,
  --- Marks a table (or a new one) as a JSON array, so that it is sent as `[]` even when empty.
  -- @function array
  -- @tparam[opt] table t the table to mark
  -- @treturn table t
  array = core.array,
  --- Whether a value is the error object a failed call returns.
  -- @function is_error
  -- @param x any value
  -- @treturn boolean
  is_error = errors.is_error,
}

--- Config keys of `new` and `configure`. A key left out falls back to its
-- environment variable, then to its default.
-- @table config
-- @tfield[opt] string base_url `SAKARI_API_URL`, default `https://api.sakari.io`
-- @tfield[opt] string access_token `SAKARI_ACCESS_TOKEN`: a static bearer token
-- @tfield[opt] string client_id `SAKARI_CLIENT_ID`: OAuth2 client credentials (with client_secret)
-- @tfield[opt] string client_secret `SAKARI_CLIENT_SECRET`
-- @tfield[opt] number timeout seconds for a whole request (30)
-- @tfield[opt] number connect_timeout seconds to connect (10)
-- @tfield[opt] string ca_file PEM bundle to verify the server with
-- @tfield[opt] string proxy proxy URL
-- @tfield[opt] boolean insecure `true` turns TLS verification off (false)
-- @tfield[opt] string user_agent_suffix appended to the User-Agent
-- @tfield[opt] integer max_retries repeats of a failed call where that is safe (2)
-- @tfield[opt] number retry_backoff first backoff step in seconds (0.5)
-- @tfield[opt] number max_retry_delay cap on one wait in seconds (30)
-- @tfield[opt] function on_request `function(event)` before each attempt: method, path, attempt
-- @tfield[opt] function on_response `function(event)` after it: method, path, status, attempt, elapsed, code
-- @tfield[opt] table transport I/O of the host's own, see `sakari.transport`

--- Runs many calls with up to `opts.concurrency` (8) in flight on one connection pool.
-- A call is `{ "namespace.function", arguments... }` or a function making client calls.
-- A 429 pauses the whole batch for its Retry-After. A failed call never stops the others; a
-- malformed one fails alone with err.code "argument", before it is sent.
-- @function client.batch
-- @tparam table|function calls an array of calls, or an iterator returning the next call (nil at the end)
-- @tparam[opt] table opts `concurrency`, and `on_result = function(i, value, err)` to stream results
-- @treturn table `results[i] = { value = ..., err = ... }` in input order, or `{ done = n, failed = n }`
--   when on_result is given

--- A non-blocking queue of calls for event loops.
-- `q.push(call[, callback])` returns an id at once; `q.poll(timeout)` advances every call (0 never
-- blocks) and returns `{ id, value, err }` for each finished call without a callback;
-- `q.pending()` counts the unfinished calls; `q.close()` frees the handles.
-- @function client.queue
-- @tparam[opt] table opts `concurrency` (8)
-- @treturn table the queue

--- Closes the client's connections; a later call opens new ones.
-- @function client.close


local default

local function default_client()
  -- built on first use so that loading the module needs no credentials
  default = default or client.new(nil, "sakari")
  return default
end

--- A new client.
-- @tparam[opt] table config see `config`
-- @treturn table the client: the namespaces of `sakari.api`, and `batch`, `queue`, `close`
-- @raise when a config key is unknown or has the wrong type
function M.new(config)
  return client.new(config, "sakari.new")
end

--- Replaces the default client behind the module-level namespaces.
-- Validates at once; the previous default client's connections are closed.
-- @tparam[opt] table config see `config`
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
