-- The commands of the sakari_contacts example plugin (lua/sakari_contacts).
-- Nothing is loaded until a command runs.
-- luacheck: globals vim
local function run(f)
  return function(command)
    local ok, why = pcall(f, unpack(command.fargs))
    if not ok then vim.notify("sakari: " .. tostring(why), vim.log.levels.ERROR) end
  end
end

vim.api.nvim_create_user_command("SakariContact", run(function(id)
  require("sakari_contacts").contact(id)
end), { nargs = 1, desc = "Show a Sakari contact" })

vim.api.nvim_create_user_command("SakariRename", run(function(id, first, last)
  require("sakari_contacts").rename(id, first, last)
end), { nargs = "+", desc = "Rename a Sakari contact: {id} {first} [{last}]" })
