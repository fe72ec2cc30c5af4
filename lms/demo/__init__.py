"""Demo data for `manage.py load_demo_data`: a county, its roster, courses, requirements and progress."""
