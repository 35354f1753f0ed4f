#!/usr/bin/env bash
# The project's test command: the whole suite, then the kernel tests again under other vector hardware, so every
# vector width (Vector<float> of 512, 256 and 128 bits) and the scalar-only path are checked bit for bit (the
# training kernels use Vector256, emulated without AVX: the same bits either way).
set -euo pipefail
cd "$(dirname "$0")/.."

# The suite's own data is committed (tests/Goldens). The shared reference cases beside the repository are an extra
# check: their tests run when ../shared/reference is there and are reported as skipped, with the reason, when not.
if [[ -d ../shared/reference ]]; then
    echo "== shared reference checks: on ($(cd ../shared/reference && pwd))"
else
    echo "== shared reference checks: skipped (no ../shared/reference beside the repository; the committed goldens still run)"
fi

dotnet build ScratchOptim.sln -c Release
# The race page (src/Optim.Web) as a user opens it: tests/Optim.Web.Tests loads this site in headless Chromium.
dotnet publish src/Optim.Web -c Release -o artifacts/race-web
dotnet test ScratchOptim.sln -c Release --no-build
# The TorchSharp sample trains its MLP on the digits with ScratchOptim's AdamW; it fails below 95 % test accuracy.
dotnet run --project samples/TorchSharpDigits -c Release --no-build
# A --data file that does not exist or an option the sample, AdamW or the schedule refuses is one line on stderr and
# exit code 2 (they were stack traces and 134).
for bad in "--data does-not-exist.csv.gz" "--epochs 0" "--lr -1"; do
    set +e
    error=$(dotnet run --project samples/TorchSharpDigits -c Release --no-build -- $bad 2>&1 >/dev/null)
    status=$?
    set -e
    if [[ $status != 2 || $(wc -l <<<"$error") != 1 || $error != "TorchSharpDigits: "* ]]; then
        echo "TorchSharpDigits $bad: exit code $status (2 expected), stderr:"; echo "$error"; exit 1
    fi
done

# Vector<float> is 256 bits wide by default; MaxVectorTBitWidth=512 widens it where AVX-512 exists, EnableAVX512=0
# takes AVX-512 away (.NET 10's one switch for it: the older EnableAVX512F no longer does), EnableAVX2=0 narrows
# Vector<float> to 128 bits, EnableHWIntrinsic=0 leaves only the scalar path.
for setting in DOTNET_MaxVectorTBitWidth=512 DOTNET_EnableAVX512=0 DOTNET_EnableAVX2=0 DOTNET_EnableHWIntrinsic=0; do
    echo "== tests/Optim.Tests with $setting"
    env "$setting" dotnet test tests/Optim.Tests -c Release --no-build
    echo "== tests/Optim.Training.Tests (clipping and averaging kernels) with $setting"
    env "$setting" dotnet test tests/Optim.Training.Tests -c Release --no-build --filter Category=Kernels
done
