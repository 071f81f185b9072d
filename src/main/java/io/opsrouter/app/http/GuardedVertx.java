package io.opsrouter.app.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The Vert.x instance Camel's platform-http server runs on, with every HTTP server it creates put under a
 * {@link ConnectionGuard}. camel-platform-http-vertx 4.18 builds its {@code HttpServerOptions} itself and offers
 * no setting for idle connections, but it takes the {@link Vertx} bound in Camel's registry: this one hands it
 * servers whose connections and requests pass through the guard. Everything else is the real instance.
 */
public final class GuardedVertx {
    private GuardedVertx() {}

    public static Vertx wrap(Vertx real, ConnectionGuard guard) {
        long sweep = real.setPeriodic(ConnectionGuard.SWEEP_MILLIS, id -> guard.sweep());
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("createHttpServer") && method.getReturnType() == HttpServer.class) {
                if (args != null && args.length == 1 && args[0] instanceof HttpServerOptions options) {
                    // with h2c on, Vert.x waits for a connection's first bytes before it makes (and shows) the
                    // connection: one that sends nothing would never be seen. Nothing here speaks h2c.
                    args[0] = new HttpServerOptions(options).setHttp2ClearTextEnabled(false);
                }
                HttpServer server = (HttpServer) invoke(real, method, args);
                server.connectionHandler(guard::accepted);
                return guardRequests(server, guard);
            }
            if (method.getName().equals("close") && (args == null || args.length == 0 || args[0] instanceof Handler)) {
                real.cancelTimer(sweep);
            }
            return invoke(real, method, args);
        };
        return (Vertx) Proxy.newProxyInstance(GuardedVertx.class.getClassLoader(), interfaces(real.getClass()), h);
    }

    /** The server, with the request handler Camel sets wrapped by the guard. */
    @SuppressWarnings("unchecked")
    private static HttpServer guardRequests(HttpServer server, ConnectionGuard guard) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
                server.requestHandler(guard.requests((Handler<HttpServerRequest>) args[0]));
                return proxy;
            }
            if (method.getName().equals("listen")) {
                // Camel logs a failed bind and starts anyway; the guard keeps whether the server listens
                int last = args == null ? -1 : args.length - 1;
                if (last >= 0 && args[last] instanceof Handler<?> then) {
                    Handler<AsyncResult<HttpServer>> done = (Handler<AsyncResult<HttpServer>>) then;
                    args[last] = (Handler<AsyncResult<HttpServer>>) ar -> {
                        guard.listened(ar.succeeded());
                        done.handle(ar);
                    };
                    invoke(server, method, args);
                    return proxy;
                }
                Object result = invoke(server, method, args);
                if (result instanceof Future<?> f) f.onComplete(ar -> guard.listened(ar.succeeded()));
                return result;
            }
            return invoke(server, method, args);
        };
        return (HttpServer)
                Proxy.newProxyInstance(GuardedVertx.class.getClassLoader(), interfaces(server.getClass()), h);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Class<?>[] interfaces(Class<?> type) {
        Set<Class<?>> all = new LinkedHashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (java.lang.reflect.Modifier.isPublic(i.getModifiers())) all.add(i);
            }
        }
        return all.toArray(Class<?>[]::new);
    }
}
