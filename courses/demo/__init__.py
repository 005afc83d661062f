"""Demo content written for this project: a course, its termbase and generated media.

``seed.demo_content_ensure`` puts it into the database; ``training.demo`` adds demo people.
Everything here is marked as demo content so that an authority can tell it from its own.
"""
