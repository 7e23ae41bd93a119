from django.dispatch import Signal

# Sent inside the transaction that created a user, however it was created (sign-up, command,
# admin), with `user`. Sharing listens: the address's pending invitations become shares.
user_created = Signal()
