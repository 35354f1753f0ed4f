#!/usr/bin/env bash
# Packs ScratchOptim, restores this sample from the packed output alone, builds it warning-free and runs it; installs
# the optim tool from the same output into a temporary tool path and lists, shows and races the sample's own
# optimizer with it (--assembly); then checks, in a throwaway copy, that a wrong optimizer declaration fails the
# build with the DSL's diagnostics delivered by the package. Exits non-zero if any step fails.
# Run from anywhere: bash samples/CustomOptimizer/run.sh
set -euo pipefail

sample="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$sample/../.." && pwd)"
feed="$repo/artifacts/packages"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d "${TMPDIR:-/tmp}/scratchoptim-sample.XXXXXX")"
trap 'rm -rf "$work"' EXIT

started=$SECONDS
step() { echo; echo "== [$((SECONDS - started))s] $*"; }

step "1/6 pack ScratchOptim.sln into a fresh $feed"
rm -rf "$feed"
dotnet pack "$repo/ScratchOptim.sln" -c Release -o "$feed" -warnaserror
version="$(dotnet msbuild "$repo/src/Optim.Library/Optim.Library.csproj" -getProperty:PackageVersion)"
for id in ScratchOptim ScratchOptim.Runtime ScratchOptim.Dsl; do
    for extension in nupkg snupkg; do
        [[ -f "$feed/$id.$version.$extension" ]] || { echo "run.sh: $id.$version.$extension was not produced" >&2; exit 1; }
    done
done
[[ -f "$feed/ScratchOptim.Tool.$version.nupkg" ]] || { echo "run.sh: ScratchOptim.Tool.$version.nupkg (the optim tool) was not produced" >&2; exit 1; }
ls -l "$feed"

# From here on NuGet uses an empty package folder of its own: a ScratchOptim $version cached by an earlier run (or
# an older build of the same version) can never be picked up instead of what was just packed.
export NUGET_PACKAGES="$work/nuget-packages"

step "2/6 restore the sample: ScratchOptim* $version from $feed only (nuget.config), anything else from nuget.org"
rm -rf "$sample/bin" "$sample/obj"
dotnet restore "$sample/CustomOptimizer.csproj" -p:ScratchOptimVersion="$version" -warnaserror
for id in scratchoptim scratchoptim.runtime scratchoptim.dsl; do
    [[ -d "$NUGET_PACKAGES/$id/$version" ]] || { echo "run.sh: $id $version was not restored" >&2; exit 1; }
done

step "3/6 build the sample (warnings are errors)"
dotnet build "$sample/CustomOptimizer.csproj" -c Release --no-restore -p:ScratchOptimVersion="$version" -warnaserror
generated="$sample/obj/generated/ScratchOptim.Generator/ScratchOptim.Generator.OptimizerGenerator/CustomOptimizer.SignumMomentum.g.cs"
[[ -f "$generated" ]] || { echo "run.sh: the generator did not write $generated" >&2; exit 1; }

step "4/6 run the sample"
dotnet run --project "$sample/CustomOptimizer.csproj" -c Release --no-build | tee "$work/run.log"
for expected in "Final loss: SignumMomentum" "SignumMomentum (Bernstein" "state: 4 bytes per float32 parameter element" "p = p - lr * Sign(m)"; do
    grep -qF "$expected" "$work/run.log" || { echo "run.sh: the sample's output lacks '$expected'" >&2; exit 1; }
done

step "5/6 install the optim tool from $feed into a temporary tool path; list, show and race SignumMomentum with it"
tools="$work/tools"
dotnet tool install ScratchOptim.Tool --version "$version" --tool-path "$tools" --add-source "$feed"
optim="$tools/optim"
assembly="$sample/bin/Release/net10.0/CustomOptimizer.dll"
"$optim" list | tee "$work/list.log"
grep -qF "│ AdamW " "$work/list.log" || { echo "run.sh: optim list does not list AdamW" >&2; exit 1; }
"$optim" list --assembly "$assembly" | tee "$work/list-assembly.log"
grep -qF "From CustomOptimizer.dll: SignumMomentum." "$work/list-assembly.log" || { echo "run.sh: optim list --assembly does not list SignumMomentum" >&2; exit 1; }
"$optim" show SignumMomentum --assembly "$assembly" | tee "$work/show.log"
grep -qF "HeavyBall (1964) → SignumMomentum (2018)" "$work/show.log" || { echo "run.sh: optim show does not trace SignumMomentum's lineage" >&2; exit 1; }
# The installed tool draws too: its package carries SkiaSharp's native libraries.
"$optim" race -l rosenbrock -o SignumMomentum:0.001 adam:0.02 --assembly "$assembly" --plots "$work/race-plots" | tee "$work/race.log"
grep -qF "│ SignumMomentum " "$work/race.log" || { echo "run.sh: optim race did not race SignumMomentum" >&2; exit 1; }
for picture in rosenbrock-paths.png rosenbrock-loss.png; do
    [[ -s "$work/race-plots/$picture" ]] || { echo "run.sh: the installed optim did not draw $picture" >&2; exit 1; }
done

step "6/6 a wrong declaration in a throwaway copy must fail the build with OPT006 and OPT001"
copy="$work/broken-sample"
mkdir -p "$copy"
(cd "$sample" && tar --exclude=./bin --exclude=./obj -cf - .) | tar -xf - -C "$copy"
# The copy lives outside the repository: point its feed at the packed output by absolute path.
sed "s|\"../../artifacts/packages\"|\"$feed\"|" "$sample/nuget.config" > "$copy/nuget.config"
cat > "$copy/Broken.cs" <<'EOF'
using ScratchOptim.Dsl;

namespace CustomOptimizer;

/// <summary>Deliberately wrong: its hyperparameter has no default (OPT006).</summary>
[Optimizer(Year = 2024)]
public partial class NoDefault
{
    /// <summary>Learning rate, without the default every hyperparameter needs.</summary>
    [Hyper] double lr;

    void Update(ref Element p, Element g, int t)
    {
        p = p - lr * g;
    }
}

/// <summary>Deliberately wrong: an optimizer declaration must be partial (OPT001).</summary>
[Optimizer(Year = 2024)]
public class NotPartial
{
    /// <summary>Learning rate.</summary>
    [Hyper] double lr = 0.1;

    void Update(ref Element p, Element g, int t)
    {
        p = p - lr * g;
    }
}
EOF
if dotnet build "$copy/CustomOptimizer.csproj" -c Release -p:ScratchOptimVersion="$version" > "$work/broken.log" 2>&1; then
    cat "$work/broken.log"
    echo "run.sh: the build of the wrong declaration succeeded; it must fail" >&2
    exit 1
fi
grep -E "error (OPT|CS)[0-9]+" "$work/broken.log" | sed "s|$copy/||; s| \[[^]]*\.csproj\]$||" | sort -u
for id in OPT006 OPT001; do
    grep -qE "Broken\.cs\([0-9]+,[0-9]+\): error $id:" "$work/broken.log" \
        || { cat "$work/broken.log"; echo "run.sh: the failed build did not report $id in Broken.cs" >&2; exit 1; }
done
echo "The build failed as it must, with OPT006 and OPT001 from the ScratchOptim.Dsl package's analyzer."

echo
echo "run.sh: all steps passed in $((SECONDS - started))s"
