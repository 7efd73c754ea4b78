"""Run every simulator until SIGTERM or SIGINT:
python -m simulators [--sap-faults JSON] [--nuonuo-faults JSON].

Each simulator listens on WSV_<NAME>_HOST / WSV_<NAME>_PORT when set, else on its defaults.
``--sap-faults '{"rate": 0.3}'`` starts SAP with faults switched on (as WSV_SAP_FAULTS does);
``--nuonuo-faults`` does the same for Nuonuo (WSV_NUONUO_FAULTS).
"""

import argparse
import os
import signal
import threading

from . import nuonuo, qichacha, sap

# (name, make_server): add a line here for each new simulator.
SIMULATORS = [
    ("qichacha", qichacha.make_server),
    ("sap", sap.make_server),
    ("nuonuo", nuonuo.make_server),
]


def _options(name):
    prefix = f"WSV_{name.upper()}_"
    options = {}
    if os.environ.get(prefix + "HOST"):
        options["host"] = os.environ[prefix + "HOST"]
    if os.environ.get(prefix + "PORT"):
        options["port"] = int(os.environ[prefix + "PORT"])
    return options


def main():
    parser = argparse.ArgumentParser(prog="python -m simulators")
    parser.add_argument("--sap-faults", help="JSON fault switches of the SAP simulator")
    parser.add_argument("--nuonuo-faults", help="JSON fault switches of the Nuonuo simulator")
    args = parser.parse_args()
    if args.sap_faults:
        os.environ["WSV_SAP_FAULTS"] = args.sap_faults
    if args.nuonuo_faults:
        os.environ["WSV_NUONUO_FAULTS"] = args.nuonuo_faults
    stop = {signal.SIGTERM, signal.SIGINT}
    # Blocked before any thread starts, so every thread inherits the mask and the
    # signals wait for sigwait() below instead of interrupting a request.
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    servers = []
    for name, make_server in SIMULATORS:
        server = make_server(**_options(name))
        threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
        servers.append(server)
        host, port = server.server_address[:2]
        print(f"{name} simulator on http://{host}:{port}", flush=True)
    signal.sigwait(stop)
    for server in servers:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
