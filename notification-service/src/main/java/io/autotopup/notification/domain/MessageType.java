package io.autotopup.notification.domain;

/** The kinds of text sent; each has a template in every language. */
public enum MessageType {
    TOP_UP_SUCCEEDED, TOP_UP_FAILED
}
