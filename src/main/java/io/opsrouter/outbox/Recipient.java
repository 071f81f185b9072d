package io.opsrouter.outbox;

/** A person on the rotation. Phone in E.164 ({@code +15145550123}); either contact may be null. */
public record Recipient(String name, String phone, String email) {}
