-- `each`: a lazy iterator over every item of every page of a list endpoint
-- (`for contact in client.contacts.each(account) do ... end`), built on
-- `pages`, which walks the same pages a whole page at a time (sakari.nvim).
--
-- Nothing is requested until the loop asks for the first item; each page is one
-- request (`limit` 100 unless the options say otherwise).
--
-- A failed page raises its err object: a loop that ended quietly would look like
-- a complete walk. On Lua 5.4 the iterator's fourth value is to-be-closed, so a
-- `break` releases the buffered page at once (elsewhere the GC does).
local M = {}

M.DEFAULT_LIMIT = 100

-- An `each` walk, and its to-be-closed value: closing drops the page and ends the walk.
local Walk = {}

function Walk.__close(self)
  self.items = nil
end

-- Whether another page follows one of `got` items (the next starts at `next_offset`),
-- most reliable signal first (the list pages of https://developer.sakari.io/api-reference,
-- such as contacts/fetch-contacts): `hasNext`, else `totalCount`, else a page shorter than `limit`.
function M.has_more(pagination, got, limit, next_offset)
  if got == 0 then return false end -- nothing new: never loop forever on a confused server
  if type(pagination) == "table" then
    if type(pagination.hasNext) == "boolean" then return pagination.hasNext end
    if type(pagination.totalCount) == "number" then return next_offset < pagination.totalCount end
  end
  return got >= limit
end

-- fetch(query) -> items, pagination | nil, err   (one page request)
-- query: the checked query table of the list call (offset and limit included).
-- Returns a function giving the next page's items and pagination on each call;
-- nil after the last page; nil, err when a page failed (and nil after that).
function M.pages(fetch, query)
  -- one copy per walk, its offset moved on: a page is sent before the next is asked for
  local page_query = {}
  for k, v in pairs(query or {}) do page_query[k] = v end
  local limit = page_query.limit or M.DEFAULT_LIMIT
  page_query.offset, page_query.limit = page_query.offset or 0, limit
  local done = false
  return function()
    if done then return nil end
    local items, pagination = fetch(page_query) -- without items, pagination is the err
    if items then page_query.offset = page_query.offset + #items end
    done = not (items and M.has_more(pagination, #items, limit, page_query.offset))
    return items, pagination
  end
end

-- Returns iterator, nil, nil, closer: the generic-for quadruple.
function M.each(fetch, query)
  local next_page = M.pages(fetch, query)
  -- items: the current page; nil once the walk has ended or was closed
  local walk = setmetatable({ items = {}, index = 0 }, Walk)

  local function iterate()
    while walk.items do
      if walk.index < #walk.items then
        walk.index = walk.index + 1
        return walk.items[walk.index]
      end
      local page, err = next_page() -- without a page, err is nil (the end) or the page's failure
      walk.items, walk.index = page, 0
      if not page and err ~= nil then error(err, 0) end -- the err object itself, so `pcall` hands it back intact
    end
    return nil
  end

  return iterate, nil, nil, walk
end

return M
