-- A second sandbox, over HTTPS with a certificate made at test time (openssl),
-- for the TLS specs. Started on first use; gone when the Lua process exits.
local H = {}

local dir, url

local fs = require "spec.support.fs"
local run, read_file = fs.sh, fs.read

-- The directory holding cert.pem (also the CA a client must trust) and key.pem.
function H.dir()
  if dir then return dir end
  dir = os.tmpname()
  os.remove(dir)
  assert(run("mkdir -p " .. dir))
  assert(run(("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost"
    .. " -addext subjectAltName=DNS:localhost"
    .. " -keyout %s/key.pem -out %s/cert.pem >/dev/null 2>&1"):format(dir, dir)),
    "openssl could not make a certificate")
  return dir
end

function H.url()
  if url then return url end
  local d = H.dir()
  local port_file = d .. "/port"
  assert(run(("env -u LD_PRELOAD /usr/bin/python3 sandbox/sakari_sandbox.py --port 0 --quiet"
    .. " --tls-cert %s/cert.pem --tls-key %s/key.pem --port-file %s --watch-pid $PPID >/dev/null 2>&1 &")
    :format(d, d, port_file)))
  for _ = 1, 200 do
    local port = (read_file(port_file) or ""):match("^%s*(%d+)%s*$")
    if port then
      url = "https://localhost:" .. port -- the only name the certificate vouches for
      return url
    end
    os.execute("sleep 0.05")
  end
  error("the HTTPS sandbox did not start")
end

function H.ca_file()
  return H.dir() .. "/cert.pem"
end

return H
