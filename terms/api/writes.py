"""Writes through the API: validated by the models' rules, answered with the
same representation a read returns."""

from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.exceptions import APIException
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

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save(**self.save_extra(serializer))
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
        instance = serializer.save(**self.save_extra(serializer))
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
