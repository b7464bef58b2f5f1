"""Demo content for a fresh install: one long essay, shorter posts sharing its tags, a draft,
a scheduled post and a series of three of them (the scheduled one its fourth, uncounted part). The video links illustrate the embeds; they are not checked online."""

from django.dispatch import Signal

# Sent by `load_demo` once the demo essays exist, inside its transaction: other apps (comments)
# add their own demo rows without the blog app knowing them.
demo_loaded = Signal()

ESSAY_BODY = """\
Most music videos of the mid-nineties wanted you to notice the money. Jonathan Glazer's video
for Jamiroquai's "Virtual Insanity" (1996) wants you to notice nothing at all, and then spends
four minutes making you doubt your own sense of balance.

https://www.youtube.com/watch?v=4JkIs37a2JE

## A room that will not hold still

(Timecodes in this essay, like [0:30], start the video above at that moment.)

The set is a bare, bright room: grey floor, white walls, a couch, a few chairs. Jay Kay glides
across the floor while the furniture drifts past him, and for the first half-minute you assume
you are watching some kind of moving-walkway trick. You are not. The floor never moves. The
*walls* do. Watch the couch in [0:44-0:58]: it is the walls that carry it away.

The whole room was built so that its walls could be pushed on wheels, with the camera fixed to
them. Because the frame moves with the walls, the eye takes the walls as the fixed world, and
anything standing on the real, unmoving floor seems to slide. When Jay Kay shuffles in place
while the walls roll away, he appears to surf across a floor that is standing perfectly still.

> The best effects in this video are the ones you could build in a school gym, and that is
> exactly why they still work.

## Why it still fools us

Digital compositing in 1996 could have faked all of this, and it would look like 1996 now. The
practical version ages differently: the light is real, the shadows fall the right way, and Jay
Kay's feet actually touch the ground he dances on. Our brains are very good at spotting light
that does not belong to a room. They are much worse at noticing that the room itself is the
thing in motion.

A few small details sell the trick:

1. **The camera never cuts away from the room.** Every shot keeps the walls in frame, so we never
   get a reference point outside the moving set.
2. **The furniture is part of the illusion.** The couches glide because they sit on the same
   static floor; some were nudged by hand to add motion of their own.
3. **The performer plays along.** Jay Kay leans and skates as if the floor were ice, which is
   the cue the eye needs to accept the lie.

## The behind-the-scenes footage

The making-of footage is worth watching next to the video itself, because it shows how modest
the machinery is: a few people pushing walls, marks on the floor, and a lot of rehearsal.

https://vimeo.com/76979871

Watch the crows in the final minute, and the creeping black liquid near the end. Even there the
video keeps to its rule: one room, one camera move, and the conviction that if the room turns,
the world turns with it.
"""

AUTHOR_BIO = (
    "Ana Reyes writes about music videos and the films they borrow from, one practical "
    "effect at a time. She is the invented author of Closer's demo essays."
)

ESSAY = {
    "slug": "the-room-that-moves-virtual-insanity",
    "title": "The room that moves: the practical trick behind “Virtual Insanity”",
    "excerpt": (
        "Jonathan Glazer's video for Jamiroquai makes a still floor look like ice by moving "
        "the walls instead. Why a trick you could build in a school gym still fools us."
    ),
    "body": ESSAY_BODY,
    "tags": ["Jamiroquai", "Jonathan Glazer", "1990s", "practical effects", "music video"],
    "days_ago": 2,
    "attached": [
        {
            "url": "https://youtu.be/4JkIs37a2JE",
            "caption": "The music video itself, to watch again after reading.",
        }
    ],
}

# Featured images the demo draws (blog.demo_art motifs), keyed by post slug, with their alt text.
# One post is left without, so the lists show their designed fallback too.
FEATURED_ART = {
    "the-room-that-moves-virtual-insanity": (
        "room",
        "Drawing of a bare room in one-point perspective, a red couch on a grey floor.",
    ),
    "karmacoma-corridors": ("corridor", "Drawing of a corridor receding in red and violet frames."),
    "rabbit-in-your-headlights": ("tunnel", "Drawing of two headlights in a dark tunnel."),
    "everlong-giant-hands": ("hand", "Drawing of a giant pale hand above a small figure."),
    "human-behaviour-bear": ("forest", "Drawing of a brown bear among dark pine trees."),
    "sabotage-cop-show": ("cop", "Drawing of a seventies car under diagonal title stripes."),
    "praise-you-in-a-cinema-lobby": ("lobby", "Drawing of dancers with raised arms at a cinema."),
    "star-guitar-landscape": ("train", "Drawing of poles passing a train window over green hills."),
    "sexy-beast-opening": ("boulder", "Drawing of a boulder on a slope above a sun lounger."),
}

# Posters the demo draws for its videos (no network needed), keyed by (provider, id).
POSTER_ART = {
    ("youtube", "4JkIs37a2JE"): "room",
    ("vimeo", "76979871"): "robots",
}

# Titles and credits for the videos the demo embeds, keyed by (provider, id).
VIDEO_DETAILS = {
    ("youtube", "4JkIs37a2JE"): {
        "title": "Jamiroquai — Virtual Insanity",
        "artist": "Jamiroquai",
        "director": "Jonathan Glazer",
        "year": 1996,
    },
    ("vimeo", "76979871"): {
        "title": "Behind the scenes: the moving room",
        "director": "Jonathan Glazer",
        "year": 1996,
    },
}

SHORT_POSTS = [
    {
        "slug": "karmacoma-corridors",
        "title": "Corridors of “Karmacoma”",
        "body": "Before the moving room, Glazer spent a video for Massive Attack wandering the "
        "corridors of a hotel that borrows heavily from The Shining. It is a study in how a "
        "hallway can carry dread all by itself, and a sketch of the control he would later "
        "bring to a single set.",
        "tags": ["Jonathan Glazer", "Massive Attack", "1990s", "music video"],
        "days_ago": 5,
    },
    {
        "slug": "rabbit-in-your-headlights",
        "title": "Walking into traffic: “Rabbit in Your Headlights”",
        "body": "One man, one tunnel, an endless line of cars. Glazer's video for UNKLE is "
        "built almost entirely from stunt work and timing, and the final image lands because "
        "we have believed every impact before it.",
        "tags": ["Jonathan Glazer", "UNKLE", "1990s", "practical effects", "music video"],
        "days_ago": 8,
    },
    {
        "slug": "everlong-giant-hands",
        "title": "The giant hand in “Everlong”",
        "body": "Michel Gondry gave Dave Grohl an enormous rubber hand for one of the dream "
        "sequences in the Foo Fighters' video. It is a costume-shop effect, and it is funnier "
        "and stranger than anything a computer could have added.",
        "tags": ["Michel Gondry", "Foo Fighters", "1990s", "practical effects", "music video"],
        "days_ago": 11,
    },
    {
        "slug": "human-behaviour-bear",
        "title": "Björk and the bear",
        "body": "“Human Behaviour” is Gondry's first video for Björk: a fairy tale told with "
        "oversized props, a bear in a costume and sets that look cut from paper. The "
        "handmade look is the point: it makes the animal world feel closer, not further away.",
        "tags": ["Michel Gondry", "Björk", "1990s", "practical effects", "music video"],
        "days_ago": 14,
    },
    {
        "slug": "sabotage-cop-show",
        "title": "“Sabotage” as a seventies cop show",
        "body": "Spike Jonze shot the Beastie Boys' video like the opening titles of a "
        "forgotten police series: fake moustaches, freeze frames, cars jumping over nothing. "
        "Its effects are mostly wigs and editing rhythm.",
        "tags": ["Spike Jonze", "Beastie Boys", "1990s", "music video"],
        "days_ago": 17,
    },
    {
        "slug": "praise-you-in-a-cinema-lobby",
        "title": "Dancing in a cinema queue: “Praise You”",
        "body": "A troupe of amateurs dancing outside a cinema, filmed as if on a camcorder. "
        "Jonze's video for Fatboy Slim is the opposite of a practical-effects showpiece, and "
        "shows how much a music video can do with no effects at all.",
        "tags": ["Spike Jonze", "Fatboy Slim", "1990s", "music video"],
        "days_ago": 20,
    },
    {
        "slug": "star-guitar-landscape",
        "title": "A landscape as a sequencer: “Star Guitar”",
        "body": "Gondry mapped every element of the Chemical Brothers' track to something "
        "passing a train window. It is a 2002 video, but it continues the nineties habit of "
        "finding a single, strict rule and following it to the end.",
        "tags": ["Michel Gondry", "Chemical Brothers", "2000s", "music video"],
        "days_ago": 23,
    },
    {
        "slug": "sexy-beast-opening",
        "title": "The boulder in “Sexy Beast”",
        "body": "Glazer's first feature opens with a sunbather and a boulder rolling down a "
        "hillside. It is the director of the moving room again: one precise physical gag, "
        "staged for real, that tells you what kind of film you are in.",
        "tags": ["Jonathan Glazer", "2000s", "film", "practical effects"],
        "days_ago": 26,
    },
    {
        "slug": "all-is-full-of-love-robots",
        "title": "The robots of “All Is Full of Love”",
        "body": "Chris Cunningham's video for Björk mixes physical robot parts with digital work "
        "so closely that the seams disappear. It closes the decade by showing how practical "
        "and digital effects could finally share a frame.",
        "tags": ["Chris Cunningham", "Björk", "1990s", "music video"],
        "days_ago": 29,
    },
]

DRAFT = {
    "slug": "draft-under-the-skin-notes",
    "title": "Notes on “Under the Skin” (draft)",
    "body": "Unfinished notes about Glazer's hidden-camera scenes. Not ready for readers.",
    "tags": ["Jonathan Glazer", "film"],
}

SCHEDULED = {
    "slug": "scheduled-glazer-retrospective",
    "title": "A Glazer retrospective (scheduled)",
    "body": "This post is scheduled for next month and must not be visible before then.",
    "tags": ["Jonathan Glazer", "1990s"],
    "days_ahead": 30,
}

# A series of the demo's essays, in the order the videos were made. The scheduled post is its
# fourth part: readers see "Part 2 of 3" until that post's date comes.
SERIES = {
    "slug": "glazers-nineties",
    "title": "Glazer's nineties",
    "description": (
        "Three music videos Jonathan Glazer made before his first feature, read in the order "
        "he made them: a hotel corridor, a room that moves, a tunnel full of traffic.\n\n"
        "Each is built around *one* physical idea, staged for real."
    ),
    # Its picture: the three parts' motifs side by side (blog.demo_art.demo_triptych).
    "picture": (
        ("corridor", "room", "tunnel"),
        "Three drawings side by side: a corridor of red frames, a bare room with a red couch, "
        "two headlights in a dark tunnel.",
    ),
    "parts": [
        "karmacoma-corridors",
        "the-room-that-moves-virtual-insanity",
        "rabbit-in-your-headlights",
        "scheduled-glazer-retrospective",
    ],
}
