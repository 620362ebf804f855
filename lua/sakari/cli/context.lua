-- What a command runs against: where output goes, the environment, the
-- settings given as flags (main sets config before a command runs), and the
-- client made from them.
local failure = require "sakari.cli.failure"

local M = { stdout = io.stdout, stderr = io.stderr }

function M.env(name)
  local v = os.getenv(name)
  return v ~= "" and v or nil
end

-- The client: the flags' settings, the rest (credentials always) from the environment.
function M.client()
  local ok, client = pcall(function() return require("sakari").new(M.config) end)
  if not ok then failure.fail("sakari: " .. failure.strip_position(client)) end
  if not (M.env("SAKARI_ACCESS_TOKEN") or M.env("SAKARI_CLIENT_ID") and M.env("SAKARI_CLIENT_SECRET")) then
    failure.fail("sakari: no credentials: set SAKARI_ACCESS_TOKEN, or SAKARI_CLIENT_ID and SAKARI_CLIENT_SECRET"
      .. " (and SAKARI_API_URL for another server than api.sakari.io)")
  end
  return client
end

return M
