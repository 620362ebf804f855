-- A minimal Neovim plugin over sakari.nvim: look up and rename Sakari contacts
-- without ever freezing the editor.
--
--   :SakariContact {id}                 the contact, in a scratch buffer
--   :SakariRename {id} {first} [{last}]  changes the name (contacts.patch)
--
-- require("sakari_contacts").setup { account = "...", access_token = "..." }
-- or nothing at all: SAKARI_ACCOUNT_ID, SAKARI_ACCESS_TOKEN (or
-- SAKARI_CLIENT_ID + SAKARI_CLIENT_SECRET) and SAKARI_API_URL are read then.
-- The client, and so the native module, is made on the first command only.
-- luacheck: globals vim
local M = {}

local options = {}
local client

local function notify(message, level)
  vim.notify("sakari: " .. message, level or vim.log.levels.INFO)
end

-- opts: account (default $SAKARI_ACCOUNT_ID), and any key of sakari.new(config).
function M.setup(opts)
  options = vim.deepcopy(opts or {})
  if client then
    client.close()
    client = nil
  end
end

local function get_client()
  if not client then
    local config = vim.deepcopy(options)
    config.account = nil
    client = require("sakari.nvim").new(config)
    -- close the connections when the editor goes, not a moment before
    vim.api.nvim_create_autocmd("VimLeavePre", {
      once = true,
      callback = function()
        if client then client.close() end
      end,
    })
  end
  return client
end

local function account()
  local id = options.account or os.getenv("SAKARI_ACCOUNT_ID")
  if not id or id == "" then error("no account: setup { account = ... } or SAKARI_ACCOUNT_ID", 0) end
  return id
end

-- The contact as lines of "key: value", nested tables indented.
local function lines_of(value, indent, out)
  indent, out = indent or "", out or {}
  local keys = vim.tbl_keys(value)
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, key in ipairs(keys) do
    local v = value[key]
    if type(v) == "table" then
      out[#out + 1] = ("%s%s:"):format(indent, tostring(key))
      lines_of(v, indent .. "  ", out)
    else
      out[#out + 1] = ("%s%s: %s"):format(indent, tostring(key), tostring(v))
    end
  end
  return out
end

local function show(contact)
  local name = "sakari://contact/" .. contact.id
  local buf = vim.fn.bufnr(name)
  if buf == -1 then
    buf = vim.api.nvim_create_buf(true, true)
    vim.api.nvim_buf_set_name(buf, name)
  end
  vim.api.nvim_buf_set_option(buf, "modifiable", true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines_of(contact))
  vim.api.nvim_buf_set_option(buf, "modifiable", false)
  vim.api.nvim_set_current_buf(buf)
end

function M.contact(id)
  -- returns at once; the callback runs on the main loop when Sakari answers
  get_client().contacts.get(account(), id, function(contact, err)
    if not contact then return notify(tostring(err), vim.log.levels.ERROR) end
    show(contact)
  end)
end

function M.rename(id, first, last)
  get_client().contacts.patch(account(), id, { firstName = first, lastName = last }, function(contact, err)
    if not contact then return notify(tostring(err), vim.log.levels.ERROR) end
    notify(("%s is now %s %s"):format(contact.id, contact.firstName or "", contact.lastName or ""))
  end)
end

return M
