#!/usr/bin/env bash
# Installs every Debian package DimeRec Workbench needs to build, test and run.
# Idempotent: does nothing when all packages are present and a fast BLAS is selected.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git clang-format
  libtorch-dev libgloo-dev libopenblas0-openmp
  # cblas.h and libblas.so: SASRec's blocked attention calls the BLAS LibTorch calls
  # (core/model/SasRecEncoder.cpp); at run time libblas.so.3 is the OpenBLAS selected below.
  libblas-dev
  qt6-base-dev qt6-svg-dev libqcustomplot-dev libgl-dev
  libsqlite3-dev libsqlitecpp-dev libssl-dev nlohmann-json3-dev libcli11-dev zlib1g-dev liblzma-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  xvfb xauth imagemagick desktop-file-utils appstream
  # the kill soak (tests/soak) and the bad datasets the tests write (tests/app/make_bad_datasets.py)
  python3
  # Slurm for the job-array integration test (tests/app/SlurmSweepTest.sh); ~20 s, no prompts.
  slurmctld slurmd slurm-client
  # pdflatex with booktabs (texlive-latex-recommended) and pgfplots (texlive-pictures), to
  # compile the exported tables and figures in the tests; 18 packages, 220 MB installed,
  # about 2 min 20 s to install (measured on a loaded two-core machine).
  texlive-latex-base texlive-latex-recommended texlive-pictures
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#packages[@]} packages present"
fi

# LibTorch multiplies matrices through libblas.so.3; the reference BLAS is ~8x slower than
# OpenBLAS (docs: DESIGN §7). Select the OpenMP OpenBLAS build when it is not already active.
alt=libblas.so.3-x86_64-linux-gnu
want=/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3
if [ -e "$want" ] && [ "$(readlink -f /etc/alternatives/$alt 2>/dev/null)" != "$want" ]; then
  $sudo update-alternatives --set "$alt" "$want"
fi
lalt=liblapack.so.3-x86_64-linux-gnu
lwant=/usr/lib/x86_64-linux-gnu/openblas-openmp/liblapack.so.3
if [ -e "$lwant" ] && [ "$(readlink -f /etc/alternatives/$lalt 2>/dev/null)" != "$lwant" ]; then
  $sudo update-alternatives --set "$lalt" "$lwant"
fi
