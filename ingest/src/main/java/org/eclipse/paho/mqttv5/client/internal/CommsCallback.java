/*
 * Replacement for Eclipse Paho MQTT v5 1.2.5's class of the same name (Eclipse Public License 2.0 / Eclipse
 * Distribution License 1.0, https://github.com/eclipse/paho.mqtt.java), placed on the ingest service's class path
 * ahead of the Paho jar (as CountingInputStream is). Same API and behaviour as 1.2.5 (checked against its bytecode):
 * the receiver thread queues PUBLISH packets (at most 10, then it waits), the callback thread hands them to the
 * MqttCallback one at a time, completed tokens and messages alternate, manual acknowledgements, the same lifecycle
 * (STOPPED, RUNNING, QUIESCING; start and stop wait for the thread). Written anew, not copied.
 *
 * Why (issue 15): the original guards its two queues with three monitors (workAvailable, spaceAvailable,
 * lifecycle) and takes them seven times per loop, plus notifyAll on every loop and the lifecycle monitor on every
 * isRunning()/isQuiescing(), so the receiver and the callback thread contend for the same monitors for every
 * message. JFR attributed ~28 % of ingest's hot-thread samples under the benchmark to the two loops themselves
 * (CommsCallback.run and ClientState.notifyReceivedMsg, self time), i.e. monitor spinning, more than the JSON
 * parse. Here one ReentrantLock guards both queues, the lifecycle states are volatile (read without a lock), and
 * the receiver is signalled only when it waits for space. Remove this file when Paho is upgraded (re-check the
 * profile first).
 */
package org.eclipse.paho.mqttv5.client.internal;

import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.MqttToken;
import org.eclipse.paho.mqttv5.client.logging.Logger;
import org.eclipse.paho.mqttv5.client.logging.LoggerFactory;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttAuth;
import org.eclipse.paho.mqttv5.common.packet.MqttDisconnect;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPubAck;
import org.eclipse.paho.mqttv5.common.packet.MqttPubComp;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bridge between Paho's receiver thread and the application's {@link MqttCallback}: runs the callbacks on its own
 * thread (see the file comment for why ingest replaces Paho's class).
 */
public class CommsCallback implements Runnable {
    private static final String CLASS_NAME = CommsCallback.class.getName();
    /** Messages queued before the receiver waits (Paho's value). */
    private static final int INBOUND_QUEUE_SIZE = 10;

    private final Logger log = LoggerFactory.getLogger(LoggerFactory.MQTT_CLIENT_MSG_CAT, CLASS_NAME);
    private MqttCallback mqttCallback;
    private MqttCallback reconnectInternalCallback;
    private final HashMap<Integer, IMqttMessageListener> callbackMap = new HashMap<>();
    private final HashMap<String, Integer> callbackTopicMap = new HashMap<>();
    private final HashMap<Integer, Integer> subscriptionIdMap = new HashMap<>();
    private final AtomicInteger messageHandlerId = new AtomicInteger(0);
    private final ClientComms clientComms;

    /** Guards both queues; workAvailable wakes the callback thread, spaceAvailable the receiver. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition spaceAvailable = lock.newCondition();
    private final ArrayDeque<MqttPublish> messageQueue = new ArrayDeque<>(INBOUND_QUEUE_SIZE);
    private final ArrayDeque<MqttToken> completeQueue = new ArrayDeque<>(INBOUND_QUEUE_SIZE);
    /** Receivers waiting for space (guarded by {@link #lock}). */
    private int spaceWaiters;

    private enum State { STOPPED, RUNNING, QUIESCING }

    /** Transitions are made under {@link #lifecycle}; reads need no lock. */
    private volatile State currentState = State.STOPPED;
    private volatile State targetState = State.STOPPED;
    private final Object lifecycle = new Object();
    private volatile Thread callbackThread;
    private String threadName;
    private Future<?> callbackFuture;
    private ClientState clientState;
    private volatile boolean manualAcks = false;

    CommsCallback(ClientComms clientComms) {
        this.clientComms = clientComms;
        log.setResourceName(clientComms.getClient().getClientId());
    }

    public void setClientState(ClientState clientState) {
        this.clientState = clientState;
    }

    /**
     * Starts the callback thread (on {@code executorService}, or a new thread when it is null) and waits until it
     * runs.
     */
    public void start(String threadName, ExecutorService executorService) {
        this.threadName = threadName;
        synchronized (lifecycle) {
            if (currentState == State.STOPPED) {
                lock.lock();
                try {
                    messageQueue.clear();
                    completeQueue.clear();
                } finally {
                    lock.unlock();
                }
                targetState = State.RUNNING;
                if (executorService == null) {
                    new Thread(this).start();
                } else {
                    callbackFuture = executorService.submit(this);
                }
            }
        }
        synchronized (lifecycle) {
            while (!isRunning()) {
                try {
                    lifecycle.wait(100); // run() notifies when it is running
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Stops the callback thread and waits until it has (unless called from it). */
    public void stop() {
        synchronized (lifecycle) {
            if (callbackFuture != null) {
                callbackFuture.cancel(true);
            }
        }
        if (isRunning()) {
            synchronized (lifecycle) {
                targetState = State.STOPPED;
            }
            if (!Thread.currentThread().equals(callbackThread)) {
                lock.lock();
                try {
                    workAvailable.signalAll();
                } finally {
                    lock.unlock();
                }
                while (isRunning()) {
                    synchronized (lifecycle) {
                        try {
                            lifecycle.wait(100); // run() notifies when it stops
                        } catch (InterruptedException e) {
                            // keep waiting, as Paho does
                        }
                    }
                    clientState.notifyQueueLock();
                }
            }
        }
        callbackThread = null;
    }

    public void setCallback(MqttCallback mqttCallback) {
        this.mqttCallback = mqttCallback;
    }

    public void setReconnectCallback(MqttCallback callback) {
        this.reconnectInternalCallback = callback;
    }

    public void setManualAcks(boolean manualAcks) {
        this.manualAcks = manualAcks;
    }

    @Override
    public void run() {
        callbackThread = Thread.currentThread();
        callbackThread.setName(threadName);
        synchronized (lifecycle) {
            currentState = State.RUNNING;
            lifecycle.notifyAll();
        }
        while (isRunning()) {
            try {
                MqttToken token = null;
                MqttPublish message = null;
                lock.lock();
                try {
                    if (isRunning() && messageQueue.isEmpty() && completeQueue.isEmpty()) {
                        workAvailable.await(); // stop() and every queued item signal
                    }
                    if (isRunning()) {
                        token = completeQueue.pollFirst();
                        message = messageQueue.pollFirst();
                        if (message != null && spaceWaiters > 0) {
                            spaceAvailable.signalAll();
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (token != null) {
                    handleActionComplete(token);
                }
                if (message != null) {
                    handleMessage(message);
                }
                if (isQuiescing()) {
                    clientState.checkQuiesceLock();
                }
            } catch (InterruptedException e) {
                // as Paho: an interrupt only makes the loop look at the state again
            } catch (Throwable ex) {
                // the application's code threw (e.g. NoClassDefFoundError): as Paho, drop the connection
                log.fine(CLASS_NAME, "run", "714", null, ex);
                clientComms.shutdownConnection(null, new MqttException(ex), null);
            }
        }
        synchronized (lifecycle) {
            currentState = State.STOPPED;
            lifecycle.notifyAll();
        }
        callbackThread = null;
    }

    private void handleActionComplete(MqttToken token) throws MqttException {
        synchronized (token) {
            if (token.isComplete()) {
                // post-processing such as removing it from the persistence store
                clientState.notifyComplete(token);
            }
            token.internalTok.notifyComplete(); // unblocks waiters
            if (!token.internalTok.isNotified()) {
                if (mqttCallback != null && token.internalTok.isDeliveryToken() && token.isComplete()) {
                    try {
                        mqttCallback.deliveryComplete(token);
                    } catch (Throwable ex) {
                        log.fine(CLASS_NAME, "handleActionComplete", "726", new Object[]{ex});
                    }
                }
                fireActionEvent(token);
            }
            if (token.isComplete()
                    && (token.internalTok.isDeliveryToken() || token.getActionCallback() instanceof MqttActionListener)) {
                token.internalTok.setNotified(true); // never tell the application twice
            }
        }
    }

    /**
     * The connection is lost ({@code cause}) or the server disconnected ({@code message}): tells the callbacks.
     */
    public void connectionLost(MqttException cause, MqttDisconnect message) {
        try {
            if (mqttCallback != null && message != null) {
                MqttProperties p = message.getProperties();
                mqttCallback.disconnected(new MqttDisconnectResponse(message.getReturnCode(), p.getReasonString(),
                        (ArrayList<UserProperty>) p.getUserProperties(), p.getServerReference()));
            } else if (mqttCallback != null && cause != null) {
                mqttCallback.disconnected(new MqttDisconnectResponse(cause));
            }
            if (reconnectInternalCallback != null && cause != null) {
                reconnectInternalCallback.disconnected(new MqttDisconnectResponse(cause));
            }
        } catch (Throwable t) {
            log.fine(CLASS_NAME, "connectionLost", "720", new Object[]{t});
        }
    }

    /** Calls the token's action listener, if any, with its outcome. */
    public void fireActionEvent(MqttToken token) {
        if (token == null) {
            return;
        }
        MqttActionListener listener = token.getActionCallback();
        if (listener != null) {
            if (token.getException() == null) {
                listener.onSuccess(token);
            } else {
                listener.onFailure(token, token.getException());
            }
        }
    }

    /**
     * Queues a PUBLISH for the callback thread (receiver thread); waits while {@value #INBOUND_QUEUE_SIZE} are
     * queued, so a slow application slows the receiver (and, through Receive Maximum, the broker).
     */
    public void messageArrived(MqttPublish sendMessage) {
        if (mqttCallback == null && callbackMap.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            while (isRunning() && !isQuiescing() && messageQueue.size() >= INBOUND_QUEUE_SIZE) {
                spaceWaiters++;
                try {
                    spaceAvailable.await(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ex) {
                    // as Paho: keep waiting while running
                } finally {
                    spaceWaiters--;
                }
            }
            if (!isQuiescing()) {
                messageQueue.addLast(sendMessage);
                workAvailable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    public void authMessageReceived(MqttAuth authMessage) {
        if (mqttCallback != null) {
            try {
                mqttCallback.authPacketArrived(authMessage.getReturnCode(), authMessage.getProperties());
            } catch (Throwable ex) {
                log.fine(CLASS_NAME, "authMessageReceived", "727", new Object[]{ex});
            }
        }
    }

    public void mqttErrorOccurred(MqttException exception) {
        log.warning(CLASS_NAME, "mqttErrorOccurred", "721", new Object[]{exception.getMessage()});
        if (mqttCallback != null) {
            try {
                mqttCallback.mqttErrorOccurred(exception);
            } catch (Exception ex) {
                log.fine(CLASS_NAME, "mqttErrorOccurred", "724", new Object[]{ex});
            }
        }
    }

    /** Lets the callback thread finish its queued work; new messages are not queued any more. */
    public void quiesce() {
        synchronized (lifecycle) {
            if (currentState == State.RUNNING) {
                currentState = State.QUIESCING;
            }
        }
        lock.lock();
        try {
            spaceAvailable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean areQueuesEmpty() {
        lock.lock();
        try {
            return completeQueue.isEmpty() && messageQueue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    public boolean isQuiesced() {
        return isQuiescing() && areQueuesEmpty();
    }

    private void handleMessage(MqttPublish publishMessage) throws Exception {
        deliverMessage(publishMessage.getTopicName(), publishMessage.getMessageId(), publishMessage.getMessage());
        if (!manualAcks && publishMessage.getMessage().getQos() == 1) {
            clientComms.internalSend(new MqttPubAck(MqttReturnCode.RETURN_CODE_SUCCESS, publishMessage.getMessageId(),
                    new MqttProperties()), new MqttToken(clientComms.getClient().getClientId()));
        }
    }

    /** Acknowledges a message the application has handled (manual acknowledgements). */
    public void messageArrivedComplete(int messageId, int qos) throws MqttException {
        if (qos == 1) {
            clientComms.internalSend(new MqttPubAck(MqttReturnCode.RETURN_CODE_SUCCESS, messageId, new MqttProperties()),
                    new MqttToken(clientComms.getClient().getClientId()));
        } else if (qos == 2) {
            clientComms.deliveryComplete(messageId);
            clientComms.internalSend(new MqttPubComp(MqttReturnCode.RETURN_CODE_SUCCESS, messageId, new MqttProperties()),
                    new MqttToken(clientComms.getClient().getClientId()));
        }
    }

    /** A token completed: its callbacks run on the callback thread while it runs, else on the caller's. */
    public void asyncOperationComplete(MqttToken token) {
        if (isRunning()) {
            lock.lock();
            try {
                completeQueue.addLast(token);
                workAvailable.signal();
            } finally {
                lock.unlock();
            }
        } else {
            try {
                handleActionComplete(token);
            } catch (MqttException ex) {
                log.fine(CLASS_NAME, "asyncOperationComplete", "719", null, ex);
                clientComms.shutdownConnection(null, new MqttException(ex), null);
            }
        }
    }

    protected Thread getThread() {
        return callbackThread;
    }

    public void setMessageListener(Integer subscriptionId, String topicFilter, IMqttMessageListener messageListener) {
        int internalId = messageHandlerId.incrementAndGet();
        callbackMap.put(internalId, messageListener);
        callbackTopicMap.put(topicFilter, internalId);
        if (subscriptionId != null) {
            subscriptionIdMap.put(subscriptionId, internalId);
        }
    }

    /** Removes the listener of a topic filter, and its subscription identifiers. */
    public void removeMessageListener(String topicFilter) {
        Integer callbackId = callbackTopicMap.remove(topicFilter);
        callbackMap.remove(callbackId);
        subscriptionIdMap.values().removeIf(v -> v.equals(callbackId));
    }

    /** Removes the listener of a subscription identifier, and its topic filters. */
    public void removeMessageListener(Integer subscriptionId) {
        Integer callbackId = subscriptionIdMap.remove(subscriptionId);
        callbackMap.remove(callbackId);
        callbackTopicMap.values().removeIf(v -> v.equals(callbackId));
    }

    public void removeMessageListeners() {
        callbackMap.clear();
        subscriptionIdMap.clear();
        callbackTopicMap.clear();
    }

    /**
     * Hands a message to the per-subscription listeners (by subscription identifier, or by topic filter when the
     * message carries none), else to the {@link MqttCallback}.
     *
     * @return true when someone received it
     */
    protected boolean deliverMessage(String topicName, int messageId, MqttMessage aMessage) throws Exception {
        boolean delivered = false;
        if (aMessage.getProperties().getSubscriptionIdentifiers().isEmpty()) {
            for (Map.Entry<String, Integer> entry : callbackTopicMap.entrySet()) {
                if (MqttTopicValidator.isMatched(entry.getKey(), topicName)) {
                    aMessage.setId(messageId);
                    callbackMap.get(entry.getValue()).messageArrived(topicName, aMessage);
                    delivered = true;
                }
            }
        } else {
            for (Integer subId : aMessage.getProperties().getSubscriptionIdentifiers()) {
                Integer callbackId = subscriptionIdMap.get(subId);
                if (callbackId != null) {
                    aMessage.setId(messageId);
                    callbackMap.get(callbackId).messageArrived(topicName, aMessage);
                    delivered = true;
                }
            }
        }
        if (mqttCallback != null && !delivered) {
            aMessage.setId(messageId);
            try {
                mqttCallback.messageArrived(topicName, aMessage);
            } catch (Exception ex) {
                log.fine(CLASS_NAME, "deliverMessage", "725", new Object[]{ex});
            }
            delivered = true;
        }
        return delivered;
    }

    public boolean doesSubscriptionIdentifierExist(int subscriptionIdentifier) {
        return subscriptionIdMap.containsKey(subscriptionIdentifier);
    }

    public boolean isRunning() {
        State current = currentState;
        return (current == State.RUNNING || current == State.QUIESCING) && targetState == State.RUNNING;
    }

    public boolean isQuiescing() {
        return currentState == State.QUIESCING;
    }
}
