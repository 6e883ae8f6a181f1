package basin.engine;

import basin.kernels.Backend;
import basin.kernels.Buffer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend that runs every call on a real one and logs each host ↔ device copy with its length:
 * what shows, on the CPU, that a training step or a probe keeps its tensors where the backend keeps
 * them, as it must on a GPU, where each copy to the host stalls the stream.
 *
 * <p>Every buffer it hands out is a wrapper reporting this backend as its own, so that the code
 * under test sends all its work here; wrappers are unwrapped before the real backend sees them.
 */
public final class TransferLog implements InvocationHandler {
    /** One copy: its direction and its length in floats. */
    public record Copy(boolean toHost, int floats) {
        @Override
        public String toString() {
            return (toHost ? "device → host " : "host → device ") + floats + " floats";
        }
    }

    private final Backend real;
    private final Backend logged;
    private final List<Copy> copies = new ArrayList<>();

    private TransferLog(Backend real) {
        this.real = real;
        this.logged = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, this);
    }

    /** A log over {@code real}; run the code under test on {@link #backend()}. */
    public static TransferLog over(Backend real) {
        return new TransferLog(real);
    }

    /** The logging backend. */
    public Backend backend() {
        return logged;
    }

    /** Every copy so far, in order. */
    public synchronized List<Copy> copies() {
        return List.copyOf(copies);
    }

    /** The copies after the first {@code from}. */
    public synchronized List<Copy> since(int from) {
        return List.copyOf(copies.subList(from, copies.size()));
    }

    public synchronized int count() {
        return copies.size();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "logged " + real.name();
            case "openArena":
                // The real backend's arena: it adopts the real buffers that allocate() creates.
                return real.openArena();
            default:
                break;
        }
        Object[] unwrapped = args == null ? null : args.clone();
        if (unwrapped != null) {
            for (int i = 0; i < unwrapped.length; i++) unwrapped[i] = unwrap(unwrapped[i]);
        }
        if (method.getName().equals("copyOut")) record(new Copy(true, ((Buffer) unwrapped[0]).length()));
        if (method.getName().equals("copyIn")) record(new Copy(false, ((Buffer) unwrapped[2]).length()));
        Object result;
        try {
            result = method.invoke(real, unwrapped);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        return result instanceof Buffer b ? new Logged(b) : result;
    }

    private synchronized void record(Copy copy) {
        copies.add(copy);
    }

    private static Object unwrap(Object arg) {
        if (arg instanceof Logged l) return l.real;
        if (arg instanceof Buffer[] array) {
            Buffer[] out = array.clone();
            for (int i = 0; i < out.length; i++) out[i] = (Buffer) unwrap(out[i]);
            return out;
        }
        return arg;
    }

    /** A real buffer seen through the logging backend. */
    private final class Logged implements Buffer {
        final Buffer real;

        Logged(Buffer real) {
            this.real = real;
        }

        @Override
        public Backend backend() {
            return logged;
        }

        @Override
        public int length() {
            return real.length();
        }

        @Override
        public Buffer slice(int offset, int length) {
            return new Logged(real.slice(offset, length));
        }

        // An arena holds the real buffer; Arena.keep(wrapper) must find it.
        @Override
        public boolean equals(Object o) {
            return o == this || o == real || o instanceof Logged l && l.real == real;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(real);
        }
    }
}
