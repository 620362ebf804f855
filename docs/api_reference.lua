-- Writes the LDoc source of `sakari.api`: every endpoint function, read from
-- the endpoint table itself so the reference cannot drift from the code.
-- Run from the repository root: lua5.4 docs/api_reference.lua > build/docs-src/api.lua
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath
local resources = require "sakari.resources"

local out = {}
local function say(line) out[#out + 1] = line end

say("--- Every function of a client, one per endpoint (the module's default client has them too).")
say("-- Call them with a dot: `client.contacts.update(accountId, contactId, fields)`. A call")
say("-- returns its result, or nil and an error object (`sakari.errors`). Arguments come in order:")
say("-- one per path placeholder (non-empty strings), then the body table when there is one, then an")
say("-- optional options table (query options, and `timeout`, `connect_timeout`, `max_retries`,")
say("-- `retry_backoff`, `max_retry_delay` for this call only).")
say("-- @module sakari.api")
say("")

local namespaces = {}
for name in pairs(resources.endpoints) do namespaces[#namespaces + 1] = name end
table.sort(namespaces)
for _, namespace in ipairs(namespaces) do
  local rows = resources.endpoints[namespace]
  local names = {}
  for name in pairs(rows) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local row = rows[name]
    if row.kind == "local" then
      say(("--- `%s.%s`: no request; see the README."):format(namespace, name))
    else
      local what = ({ each = "A lazy iterator over every item of every page of ",
        patch = "Read, merge and " })[row.kind]
      say(("--- %s%s `%s`%s."):format(what or "", row[1], row[2], row.experimental and " (experimental)" or ""))
      if row.retry == "never" then say("-- Never repeated once it may have reached the server.") end
      for placeholder in row[2]:gmatch("{([%w_]+)}") do say(("-- @string %s"):format(placeholder)) end
      if row.body then say(("-- @param %s the body (%s)"):format(row.body, row.upload or "a table sent as JSON")) end
      local query = row.query and table.concat(row.query, ", ") or "none"
      say(("-- @tparam[opt] table options query options: %s"):format(query))
    end
    say(("-- @function %s.%s"):format(namespace, name))
    say("")
  end
end
io.write(table.concat(out, "\n"), "\n")
