"""cuda_status() and --device resolution where no GPU is usable (this machine: no CUDA driver).

Runs without the simulator; if a real GPU (or the simulator) is present the "no GPU" checks skip.
"""
from __future__ import annotations

import pytest

from engine.backends import cuda_status, resolve_device
from engine.backends import device as dev
from engine.errors import BadInput


def test_cuda_status_returns_flag_and_one_line_reason():
    usable, reason = cuda_status()
    assert isinstance(usable, bool)
    assert isinstance(reason, str) and reason and "\n" not in reason


def test_no_gpu_reason_names_the_cause():
    usable, reason = cuda_status()
    if usable:
        pytest.skip(f"a CUDA device (or the simulator) is usable here: {reason}")
    assert "driver" in reason.lower() or "gpu" in reason.lower() or "cuda" in reason.lower()


def test_asking_for_cuda_without_gpu_is_bad_input():
    with pytest.raises(BadInput) as err:
        resolve_device("cuda", [2, 8, 1], 16, status=(False, "no CUDA driver found (test)"))
    assert err.value.path == "device"
    assert "no CUDA driver found (test)" in str(err.value)
    assert "\n" not in str(err.value)


def test_real_status_drives_resolve_device():
    usable, reason = cuda_status()
    if usable:
        assert resolve_device("cuda") == "cuda"
    else:
        with pytest.raises(BadInput, match="no GPU is usable"):
            resolve_device("cuda")
    assert resolve_device("cpu") == "cpu"


def test_auto_never_fails_and_prefers_cpu_for_small_networks():
    assert resolve_device("auto", [2, 8, 1], 32, status=(False, "none")) == "cpu"
    assert resolve_device("auto", [2, 8, 1], 32, status=(True, "fake GPU")) == "cpu"
    big = [1024, 2048, 2048, 10]
    assert dev.step_macs(big, 256) >= dev.AUTO_MIN_MACS
    if not dev.simulator_enabled():
        assert resolve_device("auto", big, 256, status=(True, "fake GPU")) == "cuda"


def test_unknown_device_is_bad_input():
    with pytest.raises(BadInput, match="unknown device 'tpu'"):
        resolve_device("tpu")


def test_missing_driver_message(monkeypatch):
    from numba import cuda
    from numba.cuda.cudadrv.error import CudaSupportError

    if dev.simulator_enabled():
        pytest.skip("simulator on")

    def no_driver():
        raise CudaSupportError("Error at driver init: \n\nCUDA driver library cannot be found.\n"
                               "If you are sure that a CUDA driver is installed,\n:")

    monkeypatch.setattr(cuda, "list_devices", no_driver)
    usable, reason = cuda_status()
    assert not usable
    assert reason.startswith("no CUDA driver found")
    assert "If you are sure" not in reason


def test_no_devices_and_old_gpu(monkeypatch):
    from numba import cuda

    if dev.simulator_enabled():
        pytest.skip("simulator on")

    class OldGpu:
        name = b"Tesla K10"
        compute_capability = (3, 0)

    monkeypatch.setattr(cuda, "list_devices", lambda: [])
    assert cuda_status() == (False, "no CUDA GPU found (the driver reports no devices)")
    monkeypatch.setattr(cuda, "list_devices", lambda: [OldGpu()])
    usable, reason = cuda_status()
    assert not usable and "compute capability 3.0" in reason


def test_cli_device_cuda_without_gpu_exits_2_with_one_line(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    if cuda_status()[0]:
        pytest.skip("a CUDA device (or the simulator) is usable here")
    design = Path(__file__).resolve().parents[2] / "resources" / "designs" / "tf_playground_default.json"
    if not design.exists():
        pytest.skip("shipped design missing")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    proc = subprocess.run([sys.executable, "-m", "playground.cli_train", str(design), "--device",
                           "cuda", "--steps", "1", "--quiet"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "cuda" in lines[0].lower() and "Traceback" not in proc.stderr


def test_every_kernel_compiles_to_ptx_where_nvvm_is_installed():
    """Types every CUDA kernel for the real target (the simulator would not catch a construct that
    compiled numba.cuda rejects, such as two-argument max/min in numba 0.68's built-in target)."""
    from engine.kernels.cuda import ptx_check

    ok, reason = ptx_check.nvvm_available()
    if not ok:
        pytest.skip(f"cannot compile PTX here: {reason}")
    assert ptx_check.compile_all(dtypes=(ptx_check.float32,)) == []
