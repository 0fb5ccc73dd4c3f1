# Viewer tests: Debian's chromium (headless, driven by Playwright for .NET by its executable path; Playwright's
# own browser download is never used), a font for readable screenshots, ffmpeg (H.264/H.265 + AAC fixtures),
# rclone (encrypts the fixtures with its real crypt backend) and node (rebuilds the page to check its bytes).
apt_packages+=(chromium fonts-dejavu-core ffmpeg rclone)
# Only asked from apt when missing: node often comes from elsewhere (nodesource, nvm).
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
