"""HTTP routes: one APIRouter per resource; logic lives in the service modules."""
