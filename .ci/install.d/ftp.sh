# FTP provider tests: two real servers. ProFTPD from apt (virtual users, MLSD, mod_tls). vsftpd conflicts with it
# as a Debian package, so only its binary is unpacked (apt-get download + dpkg -x) into artifacts/test-tools/vsftpd;
# it needs system users: the tests log in as "camshare-ftp" (no shell, no home, password locked; each test run
# sets a random password and locks it again). curl is the benchmark's reference client.
apt_packages+=(proftpd-basic openssl curl libwrap0 libpam0g libpam-modules libssl3 libcap2)

install_ftp() {
  local home="artifacts/test-tools/vsftpd"
  if [ ! -x "$home/usr/sbin/vsftpd" ]; then
    local SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    local tmp; tmp=$(mktemp -d); chmod 777 "$tmp"
    echo "unpacking vsftpd into $home"
    (cd "$tmp" && $SUDO apt-get download -qq vsftpd 2>/dev/null)
    mkdir -p "$home"
    dpkg -x "$tmp"/vsftpd_*.deb "$home"
    rm -rf "$tmp"
  fi
  if ldd "$home/usr/sbin/vsftpd" | grep -q 'not found'; then
    echo "vsftpd is missing shared libraries:" >&2
    ldd "$home/usr/sbin/vsftpd" | grep 'not found' >&2
    return 1
  fi
  if ! id -u camshare-ftp >/dev/null 2>&1; then
    local SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "adding the system user camshare-ftp for the vsftpd tests (locked password, no shell)"
    $SUDO useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin camshare-ftp
  fi
}
