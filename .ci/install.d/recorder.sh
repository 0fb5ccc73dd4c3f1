# The recorder and the demo: ffmpeg/ffprobe. The test camera: gst-rtsp-server (H.264 + G.711 A-law) on
# Debian's python3 with GObject introspection.
apt_packages+=(ffmpeg python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly)
