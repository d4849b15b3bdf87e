#!/usr/bin/python3
# A camera on 127.0.0.1 for the tests: an RTSP server (GStreamer) serving live test streams to any
# number of clients. Mounts: /h264 (640x480, 30 fps), /h265, /h264-b (with B-frames), /h264-1080 (1920x1080, 30 fps).
# Arguments: PORT (0: any free one, printed as "port N"), then any of: USER:PASSWORD (basic auth on every
# mount), h265-firmware (/h264 sends H.265, as a camera after a firmware update).
# Commands on stdin, one per line: "silence" / "resume" (frames stop flowing, the connection stays),
# "size W H" (the /h264 picture size changes mid-stream: a new SPS), "loss P" (each coded picture is
# lost on the way with probability P, as over a lossy network; 0 ends it). Ends when stdin closes.
import sys, threading, gi
gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0')
from gi.repository import Gst, GstRtspServer, GLib
Gst.init(None)
port = sys.argv[1] if len(sys.argv) > 1 else '0'
credentials = next((a for a in sys.argv[2:] if ':' in a), None)
h265_firmware = 'h265-firmware' in sys.argv[2:]
server = GstRtspServer.RTSPServer(); server.set_address('127.0.0.1'); server.set_service(port)
medias = []


def factory(width, height, enc, pay):
    f = GstRtspServer.RTSPMediaFactory()
    f.set_launch('( videotestsrc is-live=true pattern=ball ! video/x-raw,width=%d,height=%d,framerate=30/1 '
                 '! videoscale ! capsfilter name=size caps=video/x-raw,width=%d,height=%d ! clockoverlay '
                 '! valve name=valve ! videoconvert ! video/x-raw,format=I420 ! %s ! identity name=loss ! %s name=pay0 pt=96 )' % (width, height, width, height, enc, pay))
    f.set_shared(True)
    f.connect('media-configure', lambda _f, media: medias.append(media))
    if credentials:
        f.add_role_from_structure(Gst.Structure.from_string(
            'user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true')[0])
    return f


x264 = 'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30'
x265 = 'x265enc tune=zerolatency speed-preset=ultrafast key-int-max=30'
m = server.get_mount_points()
m.add_factory('/h264', factory(640, 480, x265, 'rtph265pay config-interval=-1') if h265_firmware
              else factory(640, 480, x264, 'rtph264pay config-interval=-1'))
m.add_factory('/h265', factory(640, 480, x265, 'rtph265pay config-interval=-1'))
m.add_factory('/h264-b', factory(640, 480, 'x264enc speed-preset=veryfast key-int-max=30 bframes=2 b-adapt=false ! video/x-h264,profile=main',
                                 'rtph264pay config-interval=-1'))
m.add_factory('/h264-1080', factory(1920, 1080, x264, 'rtph264pay config-interval=-1'))
if credentials:
    auth = GstRtspServer.RTSPAuth()
    user, password = credentials.split(':', 1)
    token = GstRtspServer.RTSPToken()
    token.set_string('media.factory.role', 'user')
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
    server.set_auth(auth)
server.attach(None)
print('port', server.get_bound_port(), flush=True)
loop = GLib.MainLoop()


def command(line):
    words = line.split()
    for media in medias:
        element = media.get_element()
        if words == ['silence'] or words == ['resume']:
            element.get_by_name('valve').set_property('drop', words[0] == 'silence')
        elif words[:1] == ['loss']:
            element.get_by_name('loss').set_property('drop-probability', float(words[1]))
        elif words[:1] == ['size']:
            element.get_by_name('size').set_property(
                'caps', Gst.Caps.from_string('video/x-raw,width=%s,height=%s' % (words[1], words[2])))
    print('done', line.strip(), flush=True)
    return False


def commands():
    for line in sys.stdin:
        GLib.idle_add(command, line)
    GLib.idle_add(loop.quit)


threading.Thread(target=commands, daemon=True).start()
loop.run()
