from ninja import NinjaAPI

api = NinjaAPI(title="certifolio API", version="1", urls_namespace="api")
