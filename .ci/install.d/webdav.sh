# WebDAV provider tests: Apache mod_dav_fs (+ mod_auth_digest, mod_ssl; all in apache2) and nginx with the
# dav-ext module (PROPFIND/OPTIONS); openssl makes the test certificates and password hashes.
apt_packages+=(apache2 nginx libnginx-mod-http-dav-ext openssl)
