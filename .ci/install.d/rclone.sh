# The rclone provider and its tests: the rclone binary, and a second OpenSSH sshd (plus ssh-keygen) that the
# tests start on a loopback port as an SFTP remote. No daemon is enabled.
apt_packages+=(rclone openssh-server openssh-client)
