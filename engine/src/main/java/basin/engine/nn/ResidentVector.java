package basin.engine.nn;

import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.Buffer;

/**
 * A layer's float state that is not a parameter (BatchNorm's running mean and variance), kept where
 * the forward pass runs so that a training step on a GPU reads and updates it without a round trip
 * to the host, and mirrored on the host for checkpoints and for code that reads it there.
 *
 * <p>Two copies, one of them current:
 * <ul>
 *   <li>{@link #on(Backend)} gives the device copy, uploading the host copy first when the device
 *       has none or an out-of-date one;</li>
 *   <li>{@link #deviceWritten()} records that the device copy changed, so the host copy is stale;</li>
 *   <li>{@link #host()} brings the host copy up to date and hands out the array itself: a caller may
 *       write it, so the device copy is uploaded again before the next forward pass.</li>
 * </ul>
 * A training run on a device moves the state once each way: up at the first step, down at the
 * checkpoint. Thread-safe: concurrent eval-mode passes (the points of a slice) share one device copy.
 */
final class ResidentVector {
    private final float[] host;
    private Buffer device;              // null: none yet, or given back
    private boolean deviceCurrent;      // the device copy equals the host copy, or is newer
    private boolean hostCurrent = true; // the host copy equals the device copy, or is newer

    ResidentVector(float[] initial) {
        this.host = initial;
    }

    int length() {
        return host.length;
    }

    /** The copy on {@code backend}, current; it outlives any open arena. */
    synchronized Buffer on(Backend backend) {
        if (device != null && device.backend() != backend) release();      // moved to another device
        if (device == null) {
            device = backend.allocate(host.length);
            Arena.keep(device);
            deviceCurrent = false;
        }
        if (!deviceCurrent) {
            backend.copyIn(host, 0, device);
            deviceCurrent = true;
        }
        return device;
    }

    /** The device copy was written in place (a running-average update): the host copy is stale. */
    synchronized void deviceWritten() {
        hostCurrent = false;
    }

    /** The host array, current; writes to it reach the device before the next {@link #on}. */
    synchronized float[] host() {
        if (!hostCurrent) {
            device.backend().copyOut(device, host, 0);
            hostCurrent = true;
        }
        deviceCurrent = false;
        return host;
    }

    /** Gives the device copy back to its backend's pool, first saving it to the host if it is newer. */
    synchronized void release() {
        if (device == null) return;
        if (!hostCurrent) {
            device.backend().copyOut(device, host, 0);
            hostCurrent = true;
        }
        drop();
    }

    /** Gives the device copy back without reading it: its newer values, if any, are lost. */
    synchronized void drop() {
        if (device == null) return;
        device.backend().release(device);
        device = null;
        deviceCurrent = false;
        hostCurrent = true;                 // the only copy left, whatever it holds
    }
}
