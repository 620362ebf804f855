-- `each`: a lazy iterator over every item of every page of a list endpoint.
--
--   for contact in client.contacts.each(account) do ... end
--
-- Nothing is requested until the loop asks for the first item; each page is one
-- request (`limit` 100 unless the options say otherwise). Where the last page is
-- is read from the answer, most reliable signal first (the list pages of
-- https://developer.sakari.io/api-reference, such as contacts/fetch-contacts):
-- `hasNext`, else `totalCount`, else a page shorter than `limit`.
--
-- A failed page raises its err object (error(err)): a loop that ended quietly
-- would look like a complete walk. On Lua 5.4 the iterator's fourth value is a
-- to-be-closed object, so `break` (or an error) in the loop body releases the
-- buffered page at once; LuaJIT ignores the fourth value and the GC does it.
local M = {}

M.DEFAULT_LIMIT = 100

local Closer = {}
Closer.__index = Closer

function Closer.__close(self)
  self.state.closed = true
  self.state.items = nil
end

-- Decides from one page whether another one follows.
-- `got` is the number of items of this page, `next_offset` where the next starts.
function M.has_more(pagination, got, limit, next_offset)
  if got == 0 then return false end -- nothing new: never loop forever on a confused server
  if type(pagination) == "table" then
    if pagination.hasNext == true then return true end
    if pagination.hasNext == false then return false end
    if type(pagination.totalCount) == "number" then return next_offset < pagination.totalCount end
  end
  return got >= limit
end

-- fetch(query) -> items, pagination | nil, err   (one page request)
-- query: the checked query table of the list call (offset and limit included).
-- Returns iterator, nil, nil, closer: the generic-for quadruple.
function M.each(fetch, query)
  local base = {}
  for k, v in pairs(query or {}) do base[k] = v end
  local state = {
    offset = base.offset or 0,
    limit = base.limit or M.DEFAULT_LIMIT,
    items = nil, -- the current page
    index = 0,
    last = false, -- the current page is the last one
    closed = false,
  }

  local function next_page()
    local page_query = {}
    for k, v in pairs(base) do page_query[k] = v end
    page_query.offset, page_query.limit = state.offset, state.limit
    local items, pagination = fetch(page_query)
    if not items then
      state.closed, state.items = true, nil
      error(pagination, 0) -- the err object itself, so `pcall` hands it back intact
    end
    local got = #items
    state.offset = state.offset + got
    state.items, state.index = items, 0
    state.last = not M.has_more(pagination, got, state.limit, state.offset)
  end

  local function iterate()
    while not state.closed do
      local items = state.items
      if items and state.index < #items then
        state.index = state.index + 1
        return items[state.index]
      end
      if state.last then
        state.closed, state.items = true, nil
        return nil
      end
      next_page()
    end
    return nil
  end

  return iterate, nil, nil, setmetatable({ state = state }, Closer)
end

return M
