"""Writes through the API: validated by the models' rules, answered with the
same representation a read returns."""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class WritableMixin:
    """create, update, partial_update and destroy for a read-only viewset.

    The view names its `write_serializer_class` and how to show what was
    written (`read_representation`).
    """

    write_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return super().get_serializer_class()

    def read_representation(self, instance) -> dict:
        raise NotImplementedError

    def save_extra(self, serializer) -> dict:
        """Fields the server sets on save; checks what the user may change."""
        return {}

    def save(self, serializer):
        """Save what was validated. Another write may have taken a unique
        value (a slug, a key) since validation: validating again names it,
        as if the two writes had come one after the other."""
        try:
            with transaction.atomic():
                return serializer.save(**self.save_extra(serializer))
        except IntegrityError as error:
            again = self.get_serializer(
                serializer.instance, data=self.request.data, partial=serializer.partial
            )
            if not again.is_valid():
                raise ValidationError(again.errors) from error
            raise Conflict(
                "Another write changed this at the same time; read it again and retry."
            ) from error

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.save(serializer)
        location = request.build_absolute_uri(instance.get_absolute_url())
        return Response(
            self.read_representation(instance),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    def update(self, request, *args, partial=False, **kwargs):
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        instance = self.save(serializer)
        return Response(self.read_representation(instance))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        try:
            instance.delete()
        except ProtectedError as error:
            users = len(error.protected_objects)
            raise Conflict(
                f"{users} citation(s) still use this; remove them first."
            ) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
