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
local endpoint = require "sakari.endpoint"
local errors = require "sakari.errors"

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
  --- Whether a raised error is a mistake in how the library was called (a bad
  -- argument, setting or name), told by type, never by its words.
  -- @function is_argument
  -- @param x any value
  -- @treturn boolean
  is_argument = errors.is_argument,
  --- Every setting: `settings.list()` gives name, env, default, expected and doc of each.
  settings = require "sakari.settings",
}

--- Config keys of `new` and `configure`: every setting of `sakari.settings`
-- (name, environment variable, default, limits and doc line; `settings.list()`).
-- A key left out falls back to its environment variable, then to its default.
-- @table config

--- Runs many calls with up to `opts.concurrency` (the `concurrency` setting) in flight on one connection pool.
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
-- @tparam[opt] table opts `concurrency` (the `concurrency` setting)
-- @treturn table the queue

--- The functions that take an account, with the account bound: each takes its
-- arguments after the account (`client.account("acc").contacts.get(contact_id)`).
-- `sakari.account(id)` does the same for the default client.
-- @function client.account
-- @tparam string id the account id
-- @treturn table the namespaces, without the rows that take no account
--
-- With the `account_id` setting (or `SAKARI_ACCOUNT_ID`), any function whose
-- first argument is the account may leave it out: a call giving one id fewer
-- than the function's path has, followed by a table (the body or the options)
-- or by nothing, uses account_id. Every id given is used as given; a nil where
-- the last id belongs is ambiguous and raises; uploads (`contacts.import`)
-- always take the account.

--- Closes the client's connections; a later call opens new ones.
-- @function client.close

local default, default_client = client.new()

--- A new client.
-- @tparam[opt] table config see `config`
-- @treturn table the client: the namespaces of `sakari.api`, and `batch`, `queue`, `close`
-- @raise when a config key is unknown or has the wrong type
function M.new(config)
  local made = client.new(config, "sakari.new")
  return made -- not a tail call: the error level counts this frame
end

--- Replaces the configuration of the default client behind the module-level
-- namespaces. Validates at once; the previous configuration's connections are closed.
-- @tparam[opt] table config see `config`
function M.configure(config)
  default_client:configure(config, "sakari.configure", 3)
end

-- The module-level namespaces are the default client's own, and so is account:
-- `sakari.account(id).contacts.get(contactId)`.
for namespace in pairs(endpoint.specs) do M[namespace] = default[namespace] end
M.account = default.account
endpoint.guard(M, endpoint.specs)

return M
