package dev.parley.client.internal.rtc;

/** Type of a session description exchanged over signaling (RFC 8829 §4.1.8; rollback stays internal). */
public enum DescriptionType { OFFER, ANSWER }
